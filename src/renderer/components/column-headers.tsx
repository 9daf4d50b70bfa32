/**
 * A table's header row from its columns' names. The same names label each cell (`data-label`),
 * which the stylesheet shows beside the cell's value when a narrow screen stacks the rows as
 * cards, so the two are written once.
 */

/** The `<thead>` of a table whose columns are these labels, in order. */
export function ColumnHeaders(props: { labels: Readonly<Record<string, string>> }) {
  return (
    <thead>
      <tr>
        {Object.values(props.labels).map((label) => (
          <th key={label} scope="col">
            {label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
