// The line that `sweep run` and `results merge` print after sharing mappings between design points.
import { countOf } from '../../plural.js';
import type { ShareSummary } from '../../store/share.js';

export function formatShareSummary(summary: ShareSummary): string {
  const { objective } = summary;
  const seconds = `${summary.seconds.toFixed(1)} s`;
  if (summary.improved === 0) return `shared mappings: no job improved with a neighbouring design point's mapping (${countOf(summary.evaluations, 'evaluation')}, ${seconds})`;
  const gain = `up to ${summary.bestGain.toFixed(2)}x lower ${objective === 'edp' ? 'EDP' : objective}`;
  return `shared mappings: ${summary.improved} of ${countOf(summary.jobs, 'job')} improved with a neighbouring design point's mapping (${gain}, ${seconds}); \`cosa sweep status\` counts them`;
}
