import { childMain, type Message } from '../child.js';
import { generateEstate, type GenerateOptions } from '../estate/generate.js';
import type { EstateSize } from '../estate/types.js';
import { eventLists, minimumRequests } from '../measure/minimum.js';
import { startStandIn, type StandInOptions } from './server.js';

export interface StandInSpec {
  size: EstateSize;
  generate?: GenerateOptions;
  server?: StandInOptions;
}

/** The stand-in as its own process, so its CPU and memory never count against the auditor's. */
childMain<StandInSpec>(async (spec, send) => {
  const t0 = performance.now();
  const estate = generateEstate(spec.size, spec.generate);
  // Which events the collector should bring back depends on the reasons it lists: the product's choice.
  estate.expected.kube.listedEvents = estate.kube.reduce((a, k) => a + eventLists(k).reduce((x, y) => x + y, 0), 0);
  const generateMs = performance.now() - t0;
  const s = await startStandIn(estate, spec.server);
  const deletable = estate.expected.deletableIds;
  // The runner gone (crashed, interrupted): nothing left to serve.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: Message) => {
    if (m.type === 'stats') send({ type: 'stats', stats: s.stats() });
    else if (m.type === 'reset') {
      s.reset();
      send({ type: 'reset' });
    } else if (m.type === 'remaining') send({ type: 'remaining', deletable: deletable.filter((id) => s.ec2.enis.get(id)).length, enis: s.ec2.enis.size });
    else if (m.type === 'close') void s.close().then(() => process.disconnect());
  });
  send({ type: 'ready', url: s.url, kubeUrl: s.kubeUrl, caData: s.caData, expected: estate.expected, minimum: minimumRequests(estate), generateMs });
});
