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
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let i = 0;
  const endField = () => {
    record.push(field === '' && !wasQuoted ? null : field);
    field = '';
    wasQuoted = false;
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endField();
      records.push(record);
      record = [];
    } else field += ch;
    i++;
  }
  if (quoted) throw new Error('unterminated quoted field at the end of the file');
  if (field !== '' || wasQuoted || record.length) {
    endField();
    records.push(record);
  }
  return records;
}
