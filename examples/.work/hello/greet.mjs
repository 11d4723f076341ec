/** The greeting for `name`; an empty or blank name greets the world. */
export function greet(name = '') {
  const who = name.trim() || 'World';
  return `Hello, ${who}!`;
}
