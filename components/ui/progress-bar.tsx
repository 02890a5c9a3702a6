/** A determinate progress bar (0..1) that screen readers announce by its label and percentage. */
export function ProgressBar({ label, fraction }: { label: string; fraction: number }) {
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(fraction * 100)}
      className="bg-sunken h-2 overflow-hidden rounded"
    >
      <div
        className="bg-accent h-full transition-[width] duration-300"
        style={{ width: `${(fraction * 100).toFixed(1)}%` }}
      />
    </div>
  );
}
