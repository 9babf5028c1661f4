// Calendar-day arithmetic on ISO dates (YYYY-MM-DD), on the engine's day numbers: one calendar, no DST shifts.
import { dayNumber, isoDay } from './engine/calendar.js';

export const toDay = (d: Date): string => d.toISOString().slice(0, 10);
export const addDays = (day: string, n: number): string => isoDay(dayNumber(day) + n);
export const daysBetween = (from: string, to: string): number => dayNumber(to) - dayNumber(from);
