// Calendar-day arithmetic on ISO dates (YYYY-MM-DD), in UTC so no DST shifts a day.
const DAY_MS = 86_400_000;

export const toDay = (d: Date): string => d.toISOString().slice(0, 10);
export const parseDay = (day: string): number => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
export const addDays = (day: string, n: number): string => new Date(parseDay(day) + n * DAY_MS).toISOString().slice(0, 10);
export const daysBetween = (from: string, to: string): number => Math.round((parseDay(to) - parseDay(from)) / DAY_MS);
