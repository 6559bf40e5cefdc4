/** A ratio as the table and the goal lines print it: `0.85×`, or `—` when unknown. */
export function ratio(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(2)}×`;
}
