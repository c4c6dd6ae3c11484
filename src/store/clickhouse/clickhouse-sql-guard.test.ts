import { describe, expect, it } from 'vitest';
import { forbiddenFunction } from './clickhouse-sql-guard.js';

const ast = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

describe('forbiddenFunction', () => {
  it('names a table function that is not a generator, at any depth', () => {
    const tree = ast(`
SelectWithUnionQuery (children 1)
 ExpressionList (children 1)
  SelectQuery (children 3)
   TablesInSelectQuery (children 1)
    TablesInSelectQueryElement (children 1)
     TableExpression (children 1)
      Function merge (children 1)
       ExpressionList (children 2)`);
    expect(forbiddenFunction(tree)).toBe('merge');
  });

  it('allows generators, plain tables and ordinary functions', () => {
    const tree = ast(`
SelectWithUnionQuery (children 1)
 ExpressionList (children 1)
  SelectQuery (children 3)
   ExpressionList (children 1)
    Function count (children 1)
   TablesInSelectQuery (children 2)
    TablesInSelectQueryElement (children 1)
     TableExpression (children 1)
      Function numbers (children 1)
    TablesInSelectQueryElement (children 1)
     TableExpression (children 1)
      TableIdentifier events
   Function fileExtension (children 1)`);
    expect(forbiddenFunction(tree)).toBeNull();
  });

  it('names a function that reaches outside wherever it appears', () => {
    expect(
      forbiddenFunction(ast(`SelectQuery\n ExpressionList\n  Function file (alias x) (children 1)`)),
    ).toBe('file');
    expect(forbiddenFunction(ast(`Subquery\n Function URL (children 1)`))).toBe('URL');
  });
});
