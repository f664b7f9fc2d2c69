/**
 * A tiny, strict XML 1.0 reader for tests (no dependency): elements, attributes, text,
 * the five predefined entities and numeric references, comments and the XML declaration.
 * It throws on anything not well-formed (bad nesting, unquoted or duplicate attributes,
 * a raw `<` or `&` where it may not be, text outside the root) and returns the tree.
 */

/** An element of the tree. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Parses `text` as a well-formed XML document; throws with the offset of the first problem. */
export function parseXml(text: string): XmlElement {
  let at = 0;
  const fail = (message: string): never => {
    throw new Error(`not well-formed XML at offset ${at}: ${message}`);
  };
  const skipSpace = () => {
    while (at < text.length && /\s/.test(text[at] ?? "")) at++;
  };
  const readName = (): string => {
    NAME.lastIndex = at;
    const match = NAME.exec(text);
    if (!match) return fail("expected a name");
    at += match[0].length;
    return match[0];
  };
  const decode = (raw: string): string =>
    raw.replace(/&([^;]*);?/g, (whole, body: string) => {
      if (!whole.endsWith(";")) return fail(`unterminated reference ${whole}`);
      if (body.startsWith("#x")) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
      if (body.startsWith("#")) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
      const entity = ENTITIES[body];
      return entity ?? fail(`unknown entity &${body};`);
    });
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (text.startsWith("<!--", at)) {
        const end = text.indexOf("-->", at);
        if (end < 0) fail("unterminated comment");
        at = end + 3;
      } else return;
    }
  };

  if (text.startsWith("<?xml", at)) {
    const end = text.indexOf("?>", at);
    if (end < 0) fail("unterminated declaration");
    at = end + 2;
  }
  skipMisc();
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (at < text.length) {
    if (stack.length === 0 && root) {
      skipMisc();
      if (at < text.length) fail("content after the root element");
      break;
    }
    if (text.startsWith("<!--", at)) {
      skipMisc();
      continue;
    }
    if (text.startsWith("</", at)) {
      at += 2;
      const name = readName();
      skipSpace();
      if (text[at] !== ">") fail("expected > to close an end tag");
      at++;
      const open = stack.pop();
      if (!open || open.name !== name) fail(`</${name}> does not close <${open?.name ?? "nothing"}>`);
      continue;
    }
    if (text[at] === "<") {
      at++;
      const element: XmlElement = { name: readName(), attributes: {}, children: [], text: "" };
      const attributes: Record<string, string> = {};
      for (;;) {
        const before = at;
        skipSpace();
        if (text.startsWith("/>", at) || text[at] === ">") break;
        if (at === before) fail("expected whitespace between attributes");
        const name = readName();
        skipSpace();
        if (text[at] !== "=") fail(`expected = after attribute ${name}`);
        at++;
        skipSpace();
        const quote = text[at];
        if (quote !== '"' && quote !== "'") return fail(`attribute ${name} is not quoted`);
        const end = text.indexOf(quote, at + 1);
        if (end < 0) fail("unterminated attribute value");
        const raw = text.slice(at + 1, end);
        if (raw.includes("<")) fail(`raw < in attribute ${name}`);
        if (Object.hasOwn(attributes, name)) fail(`duplicate attribute ${name}`);
        attributes[name] = decode(raw);
        at = end + 1;
      }
      Object.assign(element.attributes, attributes);
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) fail("a second root element");
      else root = element;
      if (text.startsWith("/>", at)) at += 2;
      else {
        at++;
        stack.push(element);
      }
      continue;
    }
    const end = text.indexOf("<", at);
    const raw = text.slice(at, end < 0 ? text.length : end);
    const parent = stack.at(-1);
    if (!parent) {
      if (raw.trim() !== "") fail("text outside the root element");
    } else {
      if (raw.includes("]]>")) fail("]]> in text");
      parent.text += decode(raw);
    }
    at = end < 0 ? text.length : end;
  }
  if (stack.length > 0) fail(`<${stack.at(-1)?.name}> is never closed`);
  if (!root) return fail("no root element");
  return root;
}

/** Every element named `name` under `element` (itself included), depth first. */
export function elementsNamed(element: XmlElement, name: string): XmlElement[] {
  const found = element.name === name ? [element] : [];
  for (const child of element.children) found.push(...elementsNamed(child, name));
  return found;
}
