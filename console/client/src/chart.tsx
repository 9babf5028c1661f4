// uPlot in Preact: the plot is made once per mount and handed new data with setData, so a page that refreshes for
// days (the wall display) keeps one plot and one resize observer, never more.
import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartProps {
  /** Everything but the size, which follows the container. */
  options: Omit<Options, 'width' | 'height'>;
  data: AlignedData;
  height?: number;
  /** What the chart shows, for screen readers (the numbers are also in a table next to it). */
  label: string;
  testId?: string;
  attrs?: Record<string, string | number>;
}

export function Chart({ options, data, height = 220, label, testId, attrs }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // The options that build the plot: a change of series (e.g. language) rebuilds it, new data does not.
  const shape = JSON.stringify(options.series.map((s) => s.label)) + JSON.stringify(options.axes?.map((a) => a.label ?? ''));

  useEffect(() => {
    const el = box.current!;
    const made = new uPlot({ ...options, legend: { live: false, ...options.legend }, width: el.clientWidth || 300, height } as Options, data, el);
    plot.current = made;
    const observer = new ResizeObserver(() => made.setSize({ width: el.clientWidth || 300, height }));
    observer.observe(el);
    return () => { observer.disconnect(); made.destroy(); plot.current = null; };
  }, [shape, height]);

  useEffect(() => { plot.current?.setData(data); }, [data]);

  return <div class="chart" ref={box} role="img" aria-label={label} data-testid={testId} {...Object.fromEntries(Object.entries(attrs ?? {}).map(([k, v]) => [`data-${k}`, String(v)]))} />;
}

/** Bars for uPlot series (its paths helper). */
export const bars = uPlot.paths.bars!({ size: [0.7, 60] });

/** Seconds since the epoch of a calendar day, for time axes. */
export const daySeconds = (day: string): number => Date.parse(`${day.slice(0, 10)}T00:00:00Z`) / 1000;
