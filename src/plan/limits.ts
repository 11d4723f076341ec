/** The limits a plan or policy file is read within, named once for the parser and its messages. */

/** Larger plans are refused before parsing: a plan describes steps, it does not carry data. */
export const MAX_PLAN_BYTES = 1024 * 1024;

/**
 * How many nodes aliases may expand to. YAML anchors can nest (`*a` inside `&b` inside `&c` …) so a
 * few lines can expand to billions of nodes; yaml refuses past this count.
 */
export const MAX_ALIAS_COUNT = 100;

/** Errors listed for one file; past this a file is better fixed from the top than read to the end. */
export const MAX_ERRORS = 100;
