// The line that `sweep run` and `results merge` print after sharing mappings between design points.
import { countOf } from '../../plural.js';
import type { ShareSummary } from '../../store/share.js';

export function formatShareSummary(summary: ShareSummary): string {
  const seconds = `${summary.seconds.toFixed(1)} s`;
  if (summary.interrupted) {
    const keptMappings = summary.improved + summary.rescued > 0 ? `; kept ${countOf(summary.improved + summary.rescued, 'shared mapping')} of the layer shapes it finished` : '';
    return `shared mappings: stopped after ${countOf(summary.evaluations, 'evaluation')} in ${seconds}${keptMappings}; rerun to share them all`;
  }
  const parts: string[] = [];
  if (summary.improved > 0) {
    const objective = summary.objective === 'edp' ? 'EDP' : summary.objective;
    const gain = summary.bestGain < 1.005 ? `each by less than 0.5% in ${objective}` : `up to ${summary.bestGain.toFixed(2)}x lower ${objective}`;
    parts.push(`${summary.improved} of ${countOf(summary.jobs, 'job')} improved with a neighbouring design point's mapping (${gain})`);
  }
  if (summary.rescued > 0) parts.push(`${countOf(summary.rescued, 'failed job')} got a valid mapping from a neighbouring design point`);
  if (parts.length === 0) return `shared mappings: no job improved with a neighbouring design point's mapping (${countOf(summary.evaluations, 'evaluation')}, ${seconds})`;
  const others = summary.otherSweeps.map(({ name, jobs }) => `\nnote: sweep ${name} uses ${jobs} of these jobs too; its results changed with them (\`cosa pareto --sweep ${name}\`)`);
  return `shared mappings: ${parts.join('; ')}, in ${seconds}; \`cosa sweep status\` counts them${others.join('')}`;
}
