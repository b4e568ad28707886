// Reads the figures the model is compared on out of timeloop-model's `timeloop-model.stats.txt`.
// Counts are printed exactly; energies are printed with two decimals, in pJ.

export interface TimeloopDataSpace {
  utilized_capacity?: number;
  utilized_instances?: number;
  reads_per_instance?: number;
  fills_per_instance?: number;
  updates_per_instance?: number;
  energy_pJ?: number;
}

export interface TimeloopLevel {
  cycles?: number;
  dataspaces: Record<string, TimeloopDataSpace>;
}

export interface TimeloopStats {
  cycles?: number;
  levels: Record<string, TimeloopLevel>;
}

const DATA_SPACES = ['Weights', 'Inputs', 'Outputs'];

const FIELDS: [keyof TimeloopDataSpace, string][] = [
  ['utilized_capacity', 'Utilized capacity'],
  ['utilized_instances', 'Utilized instances (max)'],
  ['reads_per_instance', 'Scalar reads (per-instance)'],
  ['fills_per_instance', 'Scalar fills (per-instance)'],
  ['updates_per_instance', 'Scalar updates (per-instance)'],
  ['energy_pJ', 'Energy (total)'],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function numberAfter(label: string, text: string): number | undefined {
  const match = new RegExp(`${escapeRegExp(label)}\\s+: ([\\d.e+-]+)`).exec(text);
  return match === null ? undefined : Number(match[1]);
}

export function parseTimeloopStats(text: string): TimeloopStats {
  const levels: Record<string, TimeloopLevel> = {};
  // Blocks start at "=== NAME ===". The per-level statistics come first; later sections repeat
  // the names, so only a name's first block is read.
  const blocks = text.split(/\n=== (.+?) ===\n/);
  for (let index = 1; index < blocks.length; index += 2) {
    const name = blocks[index];
    if (name in levels) continue;
    const body = blocks[index + 1];

    const level: TimeloopLevel = { cycles: numberAfter('\n    Cycles', `\n${body}`), dataspaces: {} };
    for (const dataSpace of DATA_SPACES) {
      const section = new RegExp(`\\n    ${dataSpace}:\\n([\\s\\S]*?)(?=\\n    [A-Z][a-z]+:\\n|\\n\\S|$)`).exec(body);
      if (section === null) continue;
      const stats: TimeloopDataSpace = {};
      for (const [field, label] of FIELDS) stats[field] = numberAfter(label, section[1]);
      level.dataspaces[dataSpace] = stats;
    }
    levels[name] = level;
  }

  const summary = /Summary Stats\n-+\n[\s\S]*?Cycles: (\d+)/.exec(text);
  return { cycles: summary === null ? undefined : Number(summary[1]), levels };
}
