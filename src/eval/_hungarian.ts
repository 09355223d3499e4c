// Optimal assignment (Hungarian / Kuhn–Munkres with potentials, O(n²·m)) on a dense cost
// matrix with rows ≤ columns; used by the one-to-one particle matcher on small components.

/**
 * Minimum-cost assignment of every row to a distinct column. `cost` is row-major
 * `rows × cols` with `rows <= cols`. Returns, for each row, its column.
 */
export function solveAssignment(cost: Float64Array, rows: number, cols: number): Int32Array {
  if (rows > cols) throw new RangeError(`assignment needs rows <= columns, got ${rows} x ${cols}`);
  if (cost.length !== rows * cols) throw new RangeError(`cost matrix has ${cost.length} values, expected ${rows * cols}`);
  // 1-based arrays in the classic formulation; index 0 is the virtual start column
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(cols + 1);
  const colRow = new Int32Array(cols + 1); // row assigned to each column (0 = none)
  const way = new Int32Array(cols + 1);
  const minv = new Float64Array(cols + 1);
  const used = new Uint8Array(cols + 1);
  for (let i = 1; i <= rows; i++) {
    colRow[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = colRow[j0] as number;
      let delta = Infinity;
      let j1 = 0;
      const rowBase = (i0 - 1) * cols;
      const ui0 = u[i0] as number;
      for (let j = 1; j <= cols; j++) {
        if (used[j]) continue;
        const cur = (cost[rowBase + j - 1] as number) - ui0 - (v[j] as number);
        if (cur < (minv[j] as number)) {
          minv[j] = cur;
          way[j] = j0;
        }
        if ((minv[j] as number) < delta) {
          delta = minv[j] as number;
          j1 = j;
        }
      }
      for (let j = 0; j <= cols; j++) {
        if (used[j]) {
          const r = colRow[j] as number;
          u[r] = (u[r] as number) + delta;
          v[j] = (v[j] as number) - delta;
        } else {
          minv[j] = (minv[j] as number) - delta;
        }
      }
      j0 = j1;
    } while ((colRow[j0] as number) !== 0);
    do {
      const j1 = way[j0] as number;
      colRow[j0] = colRow[j1] as number;
      j0 = j1;
    } while (j0 !== 0);
  }
  const assignment = new Int32Array(rows).fill(-1);
  for (let j = 1; j <= cols; j++) {
    const r = colRow[j] as number;
    if (r > 0) assignment[r - 1] = j - 1;
  }
  return assignment;
}
