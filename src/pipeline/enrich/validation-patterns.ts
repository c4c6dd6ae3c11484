/**
 * The default validation patterns: a Bash tool call is a validation when its command matches one.
 * RE2 syntax (DuckDB and ClickHouse both use RE2): no look-around, no back-references.
 */
/** Regular expressions that make a Bash tool call a validation, by kind. */
export interface ValidationPatterns {
  test: string;
  lint: string;
  typecheck: string;
  build: string;
}

export const DEFAULT_VALIDATION_PATTERNS: ValidationPatterns = {
  test: '\\b(npm (run )?test|npx (vitest|jest|mocha|playwright test)|vitest|jest|pytest|go test|cargo test|mvn test|gradle test|rspec|phpunit|node --test|make test|ctest|dotnet test|bats)\\b',
  lint: '\\b(eslint|npm run lint|ruff|flake8|pylint|golangci-lint|cargo clippy|rubocop|markdownlint|vale|shellcheck|prettier --check|biome (check|lint)|textlint)\\b',
  typecheck: '\\b(tsc|npm run typecheck|mypy|pyright|vue-tsc|flow check)\\b',
  build:
    '\\b(npm run build|make|cargo build|go build|mvn (package|compile)|gradle build|vite build|webpack|pandoc|latexmk|mdbook build|asciidoctor|sphinx-build)\\b',
};
