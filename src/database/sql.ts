// Plain SQL statements with positional parameters, and the tables they read. The service runs the
// text; the benchmark runs the very same text on a bare pg client; caches key on it and depend on the
// tables declared here (no parsing of SQL text). test/report-dependencies.e2e-spec.ts checks every
// declaration against the relations PostgreSQL's own plan of the statement reads.

export interface SqlQuery {
  text: string;
  values: unknown[];
  /** Every table the statement reads, views resolved to the tables behind them; sorted. */
  tables?: string[];
}

/** Views, with the tables behind them. */
export const VIEW_TABLES: Readonly<Record<string, readonly string[]>> = {
  institute_region: ['institute', 'region_country'],
};

/** Collects a statement's parameters (each as `$n::cast`) and the tables its parts read. */
export class StatementParts {
  readonly values: unknown[] = [];
  private readonly read = new Set<string>();

  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }

  /** Names the tables (or views) a part of the statement reads, and returns the first, for use inline. */
  reads(...tables: string[]): string {
    for (const table of tables) for (const t of VIEW_TABLES[table] ?? [table]) this.read.add(t);
    return tables[0];
  }

  query(text: string): SqlQuery {
    return { text, values: this.values, tables: [...this.read].sort() };
  }
}
