// Recording rules that recompute binned drift (PSI and Jensen-Shannon distance) for a whole
// fleet of mlwatch replicas inside Prometheus: live shares from the window's increase of the
// exported histograms/counters summed over replicas, reference shares from the exported
// ratio gauges, and the formulas of src/stats/binned.ts term by term, so a single replica
// gets the number its own mlwatch_feature_drift gauge shows. Beside them, a fleet noise level
// (the largest replica's: conservative, see noiseRules) and the fleet decision against it.
// docs/fleet-drift.md explains every step, the names and the tolerance.
import { PSI_EPSILON } from '../stats/binned.js';
import { durationSeconds } from './duration.js';

export interface FleetDriftOptions {
  /** The drift window, a Prometheus duration ("10m"): the range of every increase(). */
  window: string;
  /** The group's `interval:`; Prometheus's global evaluation_interval when absent. */
  evaluationInterval?: string;
}

export const FLEET_DRIFT_GROUP = 'mlwatch-fleet-drift';

/** The window of the committed rule file: mlwatch's default drift window (600 s), so fleet and replica compare. */
export const SHIPPED_FLEET_DRIFT_WINDOW = '10m';

/** The recorded drift series: the exported gauges' labels and methods, fleet-wide. */
export const FLEET_FEATURE_DRIFT = 'model_feature_method:mlwatch_feature_drift:fleet';
export const FLEET_PREDICTION_DRIFT = 'model_method:mlwatch_prediction_drift:fleet';
export const FLEET_FEATURE_SAMPLES = 'model_feature:mlwatch_feature_drift_window_samples:fleet';
export const FLEET_PREDICTION_SAMPLES = 'model:mlwatch_prediction_drift_window_samples:fleet';
/** The fleet's noise level per method: the largest of the replicas' (see noiseRules). */
export const FLEET_FEATURE_NOISE = 'model_feature_method:mlwatch_feature_drift_noise:fleet';
export const FLEET_PREDICTION_NOISE = 'model_method:mlwatch_prediction_drift_noise:fleet';
/** 1 when the fleet drift is at or above both the model's threshold and the fleet noise level, else 0. */
export const FLEET_FEATURE_DRIFTED = 'model_feature_method:mlwatch_feature_drifted:fleet';
export const FLEET_PREDICTION_DRIFTED = 'model_method:mlwatch_prediction_drifted:fleet';

/** ln 2 as a PromQL literal that parses back to Math.LN2 exactly. */
const LN2 = String(Math.LN2);
const EPSILON = String(PSI_EPSILON);

interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** One distribution mlwatch exports, per `level` series, on numeric bins or categories. */
interface Distribution {
  /** Labels of one drift series ("model", "feature"). */
  level: string[];
  kind: 'numeric' | 'categorical';
  /** Numeric: the histogram's name (…_bucket series); categorical: the counter's name. */
  live: string;
  /** The reference share gauge. */
  reference: string;
  samples: string;
  drift: string;
  /** The replicas' noise gauge, and the fleet's noise and decision series. */
  replicaNoise: string;
  noise: string;
  drifted: string;
}

const FEATURE_NOISE = { replicaNoise: 'mlwatch_feature_drift_noise', noise: FLEET_FEATURE_NOISE, drifted: FLEET_FEATURE_DRIFTED };
/** The methods the fleet rules recompute. */
const METHODS = 'psi|jensen_shannon';

/** Distributions recorded under the same drift name; numeric and categorical features share one. */
const OUTPUTS: Distribution[][] = [
  [
    {
      level: ['model', 'feature'],
      kind: 'numeric',
      live: 'mlwatch_feature_value',
      reference: 'mlwatch_feature_reference_bin_ratio',
      samples: FLEET_FEATURE_SAMPLES,
      drift: FLEET_FEATURE_DRIFT,
      ...FEATURE_NOISE,
    },
    {
      level: ['model', 'feature'],
      kind: 'categorical',
      live: 'mlwatch_feature_category_total',
      reference: 'mlwatch_feature_reference_category_ratio',
      samples: FLEET_FEATURE_SAMPLES,
      drift: FLEET_FEATURE_DRIFT,
      ...FEATURE_NOISE,
    },
  ],
  [
    {
      level: ['model'],
      kind: 'numeric',
      live: 'mlwatch_prediction_value',
      reference: 'mlwatch_prediction_reference_bin_ratio',
      samples: FLEET_PREDICTION_SAMPLES,
      drift: FLEET_PREDICTION_DRIFT,
      replicaNoise: 'mlwatch_prediction_drift_noise',
      noise: FLEET_PREDICTION_NOISE,
      drifted: FLEET_PREDICTION_DRIFTED,
    },
  ],
];

/** The YAML text of the fleet drift rule file. */
export function renderFleetDriftRules(options: FleetDriftOptions): string {
  checkDuration('window', options.window);
  if (options.evaluationInterval !== undefined) checkDuration('evaluationInterval', options.evaluationInterval);
  const rules = OUTPUTS.flatMap((distributions) => outputRules(distributions, options.window));
  return rulesYaml(headerLines(options), rules, options.evaluationInterval);
}

function checkDuration(name: string, value: string): void {
  const seconds = durationSeconds(value);
  if (seconds === null || seconds <= 0) {
    throw new RangeError(`fleet drift rules: ${name} must be a positive Prometheus duration such as "10m" or "1h", got ${JSON.stringify(value)}`);
  }
}

function headerLines(options: FleetDriftOptions): string[] {
  const interval = options.evaluationInterval === undefined ? '' : ` --interval ${options.evaluationInterval}`;
  return [
    `Generated by renderFleetDriftRules (src/rules/fleet-drift.ts) with window ${options.window}; do not edit.`,
    'Regenerate with:',
    `  mlwatch rules fleet-drift --window ${options.window}${interval} --out alert-rules/fleet-drift.rules.yml`,
    'Fleet-wide PSI and Jensen-Shannon distance per feature and for the numeric prediction, over the',
    `union of every replica's events in the last ${options.window}, with a conservative noise level (the largest`,
    "replica's) and the decision against it; how, and the tolerance: docs/fleet-drift.md.",
  ];
}

interface Names {
  by: string;
  binBy: string;
  live: string;
  reference: string;
  bins: string;
  shares: string;
}

function names(d: Distribution, window: string): Names {
  const by = d.level.join(', ');
  const prefix = d.level.join('_');
  const binLabels = d.kind === 'numeric' ? ['lower', 'upper'] : ['category'];
  const bin = `${prefix}_${binLabels.join('_')}`;
  if (d.kind === 'categorical') {
    // Recording the increase of a counter drops its _total.
    const base = d.live.replace(/_total$/, '');
    const live = `${bin}:${base}:increase${window}`;
    return { by, binBy: `${by}, category`, live, reference: `${bin}:${d.reference}:max`, bins: live, shares: `${bin}:${base}_ratio:increase${window}` };
  }
  return {
    by,
    binBy: `${by}, lower, upper`,
    live: `${prefix}_le:${d.live}_bucket:increase${window}`,
    reference: `${bin}:${d.reference}:max`,
    bins: `${bin}:${d.live}_bin:increase${window}`,
    shares: `${bin}:${d.live}_bin_ratio:increase${window}`,
  };
}

/**
 * The rules of one drift name, in evaluation order (a group runs its rules in turn, each
 * seeing the ones before at the same timestamp): per distribution its inputs, then the
 * window samples, the live shares and the two methods; distributions that share an output
 * name are joined with `or` (they never hold the same feature), one rule per name and labels.
 */
function outputRules(distributions: Distribution[], window: string): RecordingRule[] {
  const all = distributions.map((d) => ({ d, n: names(d, window) }));
  const joined = (part: (x: { d: Distribution; n: Names }) => string): string =>
    all.length === 1 ? part(all[0]) : all.map((x) => ['(', ...indent(part(x).split('\n')), ')'].join('\n')).join('\nor\n');
  const { samples, drift } = distributions[0];
  const rules: RecordingRule[] = [];
  for (const { d, n } of all) {
    rules.push({
      record: n.live,
      expr: d.kind === 'numeric'
        ? `sum by (${n.by}, le) (increase(${d.live}_bucket[${window}]))`
        : `sum by (${n.binBy}) (increase(${d.live}[${window}]))`,
    });
    // Every replica exports the same shares; max keeps one series per bin.
    rules.push({ record: n.reference, expr: `max by (${n.binBy}) (${d.reference})` });
    if (d.kind === 'numeric') rules.push({ record: n.bins, expr: binCounts(n.by, n.live, n.reference) });
  }
  rules.push({ record: samples, expr: joined(({ d, n }) => windowSamples(d, n)) });
  for (const { n } of all) {
    // The empty label list keeps PromQL from reading the parenthesis as one.
    rules.push({ record: n.shares, expr: [n.bins, `  / on (${n.by}) group_left ()`, `(${samples} > 0)`].join('\n') });
  }
  rules.push(
    { record: drift, labels: { method: 'psi' }, expr: joined(({ n }) => psi(n, samples)) },
    { record: drift, labels: { method: 'jensen_shannon' }, expr: joined(({ n }) => jensenShannon(n, samples)) },
    ...noiseRules(distributions[0]),
  );
  return rules;
}

/**
 * The fleet's noise level and decision. A score's noise level falls as the window grows, and
 * the fleet's window holds every replica's values, so the noise level at the fleet's n is at
 * most the one at any replica's n: the largest replica level (that of the replica with the
 * fewest values among those exporting one) is a conservative stand-in — it never calls noise
 * drift, at the cost of some power when one replica has few values. A replica exports its level
 * only at min_samples and with a reference that has noise levels; where no replica does (old
 * references, or every replica below min_samples) there is no fleet level, and no fleet decision
 * rather than a threshold-only one. The decision also takes the model's threshold (max over
 * replicas, which load the same config).
 */
function noiseRules(d: Distribution): RecordingRule[] {
  const series = [...d.level, 'method'].join(', ');
  return [
    { record: d.noise, expr: `max by (${series}) (${d.replicaNoise}{method=~"${METHODS}"})` },
    {
      record: d.drifted,
      expr: [
        '(',
        `  ${d.drift} >= bool on (model, method) group_left () max by (model, method) (mlwatch_drift_threshold{method=~"${METHODS}"})`,
        ')',
        `* on (${series})`,
        '(',
        `  ${d.drift} >= bool on (${series}) ${d.noise}`,
        ')',
      ].join('\n'),
    },
  ];
}

/**
 * Live count per reference bin (lower, upper]: the cumulative bucket at le = upper minus the
 * one at le = lower, paired through label_replace on the reference's bounds; the first
 * bin's lower bound -Inf has no bucket, its cumulative count is 0. Driven by the reference,
 * so a bin no live value reached is kept with a count of 0.
 */
function binCounts(by: string, live: string, reference: string): string {
  const at = (bound: 'upper' | 'lower'): string[] => [
    `  ${live}`,
    `+ on (${by}, le) group_right`,
    `  0 * label_replace(${reference}, "le", "$1", "${bound}", "(.*)")`,
  ];
  return [
    'clamp_min(',
    ...indent(['(', ...indent(at('upper')), ')', `- on (${by}, lower, upper)`, '(']),
    ...indent(indent(['(', ...indent(at('lower')), ')', `or on (${by}, lower, upper)`, `  0 * ${reference}{lower="-Inf"}`])),
    ...indent([')']),
    '  , 0',
    ')',
  ].join('\n');
}

/**
 * Values in the fleet's window (the sum of the bins), only where every reference bin found
 * its live counts and the live side has no bins the reference lacks (e.g. while replicas
 * with different reference edges share the window): there the drift is absent, not wrong.
 */
function windowSamples(d: Distribution, names: Names): string {
  const { by } = names;
  const matched = d.kind === 'numeric' ? names.bins : `(${names.live} and on (${names.binBy}) ${names.reference})`;
  return [
    `sum by (${by}) (${names.bins})`,
    `and on (${by})`,
    `  (count by (${by}) (${matched}) == count by (${by}) (${names.reference}))`,
    `and on (${by})`,
    `  (count by (${by}) (${names.live}) == count by (${by}) (${names.reference}))`,
  ].join('\n');
}

/** Like mlwatch's own gauges, drift is recorded once the window holds min_samples values. */
function minSamplesGuard(by: string, samples: string): string[] {
  return [`and on (${by})`, `  (${samples} >= on (model) group_left max by (model) (mlwatch_drift_min_samples))`];
}

/** Σ (w - r) ln(w / r), a share of exactly 0 replaced by PSI_EPSILON on either side (binned.ts psi). */
function psi({ by, shares: live, reference }: Names, samples: string): string {
  const w = `(${live} + (${live} == bool 0) * ${EPSILON})`;
  const r = `(${reference} + (${reference} == bool 0) * ${EPSILON})`;
  return [
    `sum by (${by}) (`,
    `    (${w} - ${r})`,
    `  * ln(${w} / ${r})`,
    ')',
    ...minSamplesGuard(by, samples),
  ].join('\n');
}

/**
 * sqrt(JS divergence in bits), binned.ts jensenShannonDistance: per bin r ln(2r/(r+w)) +
 * w ln(2w/(r+w)); a bin empty on one side contributes (r + w) ln 2 (its limit), so it is never
 * dropped; rounding is clamped into [0, 1] before the square root.
 */
function jensenShannon({ by, shares: w, reference: r }: Names, samples: string): string {
  return [
    'sqrt(clamp(',
    `    sum by (${by}) (`,
    `        (`,
    `            ${r} * ln(2 * ${r} / (${r} + ${w}))`,
    `          + ${w} * ln(2 * ${w} / (${r} + ${w}))`,
    `          and (${r} > 0) and (${w} > 0)`,
    '        )',
    '      or',
    `        (${r} + ${w}) * ${LN2}`,
    '    )',
    `  / (2 * ${LN2}),`,
    '  0, 1',
    '))',
    ...minSamplesGuard(by, samples),
  ].join('\n');
}

function indent(lines: string[], spaces = 2): string[] {
  const pad = ' '.repeat(spaces);
  return lines.map((line) => pad + line);
}

/** YAML by hand: a header comment, and block scalars keep multi-line PromQL readable. */
function rulesYaml(header: string[], rules: RecordingRule[], interval: string | undefined): string {
  const lines = [...header.map((line) => `# ${line}`), 'groups:', `  - name: ${FLEET_DRIFT_GROUP}`];
  if (interval !== undefined) lines.push(`    interval: ${interval}`);
  lines.push('    rules:');
  for (const rule of rules) {
    lines.push(`      - record: ${rule.record}`);
    if (rule.expr.includes('\n')) lines.push('        expr: |-', ...rule.expr.split('\n').map((l) => `          ${l}`));
    else lines.push(`        expr: ${JSON.stringify(rule.expr)}`);
    if (rule.labels) {
      lines.push('        labels:');
      for (const [key, value] of Object.entries(rule.labels)) lines.push(`          ${key}: ${value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
