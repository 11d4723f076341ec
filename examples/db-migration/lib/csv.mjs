// CSV as PostgreSQL's COPY … WITH (FORMAT csv) reads it: fields with commas, quotes or line breaks
// are quoted, a quote inside is doubled, NULL is an unquoted empty field and an empty string is "".

export function encodeField(value) {
  if (value === null) return '';
  if (value === '' || /[",\r\n]/.test(value)) return `"${value.replaceAll('"', '""')}"`;
  return value;
}

export const encodeRecord = (values) => `${values.map(encodeField).join(',')}\n`;

/** Records of `text` as arrays of strings, null for an unquoted empty field. */
export function parseCsv(text) {
  const records = [];
  let record = [];
  let i = 0;
  while (i < text.length) {
    let value;
    if (text[i] === '"') {
      // A quoted field: up to the next quote that is not doubled.
      value = '';
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) throw new Error('unterminated quoted field at the end of the file');
        value += text.slice(from, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          from = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end++;
      value = end === i ? null : text.slice(i, end);
      i = end;
    }
    record.push(value);
    const separator = text[i];
    if (separator === ',') {
      i++;
      if (i === text.length) record.push(null);
    } else if (separator === '\n' || separator === '\r' || separator === undefined) {
      if (separator === '\r' && text[i + 1] === '\n') i++;
      i++;
      records.push(record);
      record = [];
    } else throw new Error(`unexpected ${JSON.stringify(separator)} after a quoted field at offset ${i}`);
  }
  return records;
}
