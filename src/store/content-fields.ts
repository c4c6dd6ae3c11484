/**
 * Where the content lives: what a member typed, what the model answered, what tools were given and
 * gave back. Content retention (`retention.contentMaxAgeDays`) clears these on old rows and keeps
 * everything else (tokens, cost, durations, names, ids). Claude Code sends content only when a member
 * opted in (OTEL_LOG_USER_PROMPTS, OTEL_LOG_ASSISTANT_RESPONSES, OTEL_LOG_TOOL_DETAILS,
 * OTEL_LOG_TOOL_CONTENT, OTEL_LOG_RAW_API_BODIES); see ../shared/reference/claude-code-telemetry.md.
 */

/** Attribute keys that hold content, removed from the `attributes` JSON. */
export const CONTENT_ATTRIBUTES = {
  events: [
    'prompt', // user_prompt
    'prompt_text', // user_prompt (same value)
    'response', // assistant_response
    'tool_parameters', // tool_result, tool_decision: the Bash command and other tool arguments
    'tool_input', // tool_result: the tool's input (file contents for Write)
    'body', // api_request_body, api_response_body
    'system_prompt', // system_prompt
  ],
  spans: [
    'user_prompt', // claude_code.interaction
    'full_command', // claude_code.tool (Bash)
    'file_path', // claude_code.tool (Read, Edit, Write)
    'tool_input',
    'system_prompt_preview',
    'user_system_prompt',
    'response.model_output',
    'new_context',
    'system_reminders',
  ],
} as const;

/** Typed event columns derived from content: set to NULL (`validation_kind` is a class, and stays). */
export const CONTENT_EVENT_COLUMNS = ['command'] as const;

/**
 * Events whose `error` (column and attribute) is a tool's error output (OTEL_LOG_TOOL_DETAILS), so
 * content; an api_error's `error` is the API's message and stays.
 */
export const CONTENT_ERROR_EVENTS = ['tool_result'] as const;

/** Span events whose attributes are all content (tool output, file content, diffs). */
export const CONTENT_SPAN_EVENTS = ['tool.output'] as const;

/** Attribute set to true on every row whose content was cleared. */
export const CONTENT_CLEARED = 'unsilo.content_cleared';
