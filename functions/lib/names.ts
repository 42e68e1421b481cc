import { z } from 'zod';

/** EKS cluster names: 1-100 characters, alphanumerics, hyphens and underscores, starting alphanumeric. */
export const ClusterNameSchema = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/, 'not a valid EKS cluster name');
/** Managed node group names: 1-63 characters, same alphabet. */
export const NodegroupNameSchema = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z_-]{0,62}$/, 'not a valid EKS node group name');
