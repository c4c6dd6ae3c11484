/** Every query template, by name. Names are stable: docs and scripts rely on them. */
import type { QueryTemplate } from '../query-template.js';
import { COST_TEMPLATES } from './cost-templates.js';
import { ERROR_TEMPLATES } from './error-templates.js';
import { SESSION_TEMPLATES } from './session-templates.js';
import { TOKEN_TEMPLATES } from './token-templates.js';
import { TOOL_TEMPLATES } from './tool-templates.js';
import { EVENT_TEMPLATES, TREND_TEMPLATES } from './trend-templates.js';

export const TEMPLATES: readonly QueryTemplate[] = [
  ...COST_TEMPLATES,
  ...TOKEN_TEMPLATES,
  ...SESSION_TEMPLATES,
  ...TOOL_TEMPLATES,
  ...ERROR_TEMPLATES,
  ...TREND_TEMPLATES,
  ...EVENT_TEMPLATES,
];

export const templateByName = (name: string): QueryTemplate | undefined =>
  TEMPLATES.find((t) => t.name === name);
