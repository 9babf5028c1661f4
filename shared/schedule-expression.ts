// EventBridge schedule expressions as AWS accepts them, checked when hub.config is read rather than when a deploy
// or the local scheduler trips over them: rate(value unit) and the six-field cron(...).

/** What is wrong with a schedule expression, or undefined when AWS would accept it. */
export function scheduleIssue(expression: string): string | undefined {
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) return rateIssue(rate[1]!);
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return cronIssue(cron[1]!);
  return `"${expression}" is not a schedule: expected rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year)`;
}

const UNITS = ['minute', 'hour', 'day'];

function rateIssue(body: string): string | undefined {
  const m = /^(\d+) ([a-z]+)$/.exec(body);
  if (!m) return `rate(${body}): expected rate(<whole number> <unit>), e.g. rate(15 minutes) or rate(1 hour)`;
  const value = Number(m[1]);
  const unit = m[2]!;
  const singular = unit.replace(/s$/, '');
  if (!UNITS.includes(singular)) return `rate(${body}): the unit is minute(s), hour(s) or day(s)`;
  if (value < 1) return `rate(${body}): the value must be 1 or more`;
  const expected = value === 1 ? singular : `${singular}s`;
  if (unit !== expected) return `rate(${body}): write rate(${value} ${expected}) (the unit is singular for 1, plural otherwise)`;
  return undefined;
}

interface Field { name: string; min: number; max: number; names?: string[]; special: RegExp }

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The six fields, with the values and the special forms (L, W, #) each one takes. */
const FIELDS: Field[] = [
  { name: 'minutes', min: 0, max: 59, special: /^$/ },
  { name: 'hours', min: 0, max: 23, special: /^$/ },
  { name: 'day-of-month', min: 1, max: 31, special: /^(L|LW|([1-9]|[12]\d|3[01])W)$/ },
  { name: 'month', min: 1, max: 12, names: MONTHS, special: /^$/ },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS, special: /^(L|([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5]))$/ },
  { name: 'year', min: 1970, max: 2199, special: /^$/ },
];

function valueOf(field: Field, text: string): number | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}

/** One comma-separated element of a field: *, a value, a range, any of those with /step, or the field's special forms. */
function elementIssue(field: Field, element: string): string | undefined {
  if (field.special.test(element.toUpperCase())) return undefined;
  const [base, step, ...extra] = element.split('/');
  if (extra.length) return `"${element}" has more than one /`;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1 && Number(step) <= field.max)) return `"${element}": the step after / must be a whole number from 1 to ${field.max}`;
  if (base === '*') return undefined;
  const ends = base!.split('-');
  if (ends.length > 2 || ends.some((e) => valueOf(field, e) === undefined)) {
    const names = field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : '';
    return `"${element}" is not a value from ${field.min} to ${field.max}${names}, a range a-b, * or a step x/n`;
  }
  return undefined;
}

function cronIssue(body: string): string | undefined {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) return `cron(${body}) has ${parts.length} fields; AWS cron has 6: minutes hours day-of-month month day-of-week year, e.g. cron(0 5 * * ? *)`;
  const [, , dayOfMonth, , dayOfWeek] = parts;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return `cron(${body}): exactly one of day-of-month and day-of-week must be ?, e.g. cron(0 5 * * ? *) or cron(0 5 ? * MON *)`;
  }
  for (const [i, field] of FIELDS.entries()) {
    const text = parts[i]!;
    if (text === '?' && (field.name === 'day-of-month' || field.name === 'day-of-week')) continue;
    for (const element of text.split(',')) {
      const issue = elementIssue(field, element);
      if (issue) return `cron(${body}), ${field.name}: ${issue}`;
    }
  }
  return undefined;
}
