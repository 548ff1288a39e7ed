// A cursor over a list that may shrink under it (a refresh removes rows).
export function clampIndex(index: number, count: number): number {
  return count === 0 ? 0 : Math.min(Math.max(0, index), count - 1);
}

/** The first row of a `height`-row window that keeps `selected` visible, centred when it can be. */
export function windowStart(selected: number, count: number, height: number): number {
  if (height <= 0 || count <= height) return 0;
  return Math.min(Math.max(0, selected - Math.floor(height / 2)), count - height);
}
