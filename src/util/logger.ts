/** The slice of a logger the core needs. Powertools' Logger satisfies it; the CLI writes JSON lines to stderr. */
export interface AuditLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export const silentLogger: AuditLogger = { info() {}, warn() {}, error() {} };

export function jsonLinesLogger(write: (line: string) => void): AuditLogger {
  const log = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    write(`${JSON.stringify({ level, timestamp: new Date().toISOString(), message, ...extra })}\n`);
  return { info: log('INFO'), warn: log('WARN'), error: log('ERROR') };
}
