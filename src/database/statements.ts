// A filtered list's page and its total, each a statement of its own whose parameters StatementParts
// numbers: the two share the filter's text, never its positions.
import { DataSource, EntityManager } from 'typeorm';
import { StatementParts } from './sql';

/**
 * Runs the page and the count (which answers one row with a `total` column) side by side. Each
 * builder gets fresh StatementParts, so a filter written once serves both.
 */
export async function pageWithTotal<T, N = number>(
  runner: DataSource | EntityManager,
  page: (p: StatementParts) => string,
  count: (p: StatementParts) => string,
): Promise<{ items: T[]; total: N }> {
  const [pageParts, countParts] = [new StatementParts(), new StatementParts()];
  const [pageQuery, countQuery] = [pageParts.query(page(pageParts)), countParts.query(count(countParts))];
  const [items, [{ total }]] = await Promise.all([
    runner.query(pageQuery.text, pageQuery.values),
    runner.query(countQuery.text, countQuery.values),
  ]);
  return { items, total };
}
