// A reader for OData CSDL XML (the service metadata Microsoft publishes for Graph), keeping only
// what the emulator checks request bodies against: structured types with their properties, enum
// members and bound actions with their parameters. CSDL is plain attribute-only XML (OData CSDL
// XML 4.01, https://docs.oasis-open.org/odata/odata-csdl-xml/v4.01/), so a tag scanner that walks
// the elements in order is enough; text content, comments and annotations are skipped.

/** A property of a structured type, or a parameter of an action. */
export interface CsdlProperty {
  readonly name: string;
  /** Qualified type, aliases resolved: 'Edm.String', 'microsoft.graph.fileSystemInfo', 'Collection(…)'. */
  readonly type: string;
  readonly isNullable: boolean;
}

/** An EntityType or ComplexType. */
export interface CsdlStructuredType {
  readonly kind: 'EntityType' | 'ComplexType';
  /** Qualified name, e.g. 'microsoft.graph.driveItem'. */
  readonly name: string;
  readonly baseType: string | undefined;
  /** Open types accept properties their definition does not declare (dynamic properties). */
  readonly isOpen: boolean;
  readonly properties: Map<string, CsdlProperty>;
  readonly navigationProperties: Map<string, CsdlProperty>;
}

/** A bound action: its binding parameter's type and its other parameters, in order. */
export interface CsdlAction {
  readonly name: string;
  readonly bindingType: string;
  readonly parameters: readonly CsdlProperty[];
}

/** What the emulator needs of a service's metadata. */
export interface CsdlModel {
  readonly types: Map<string, CsdlStructuredType>;
  /** Qualified enum type name → its member names. */
  readonly enums: Map<string, Set<string>>;
  readonly actions: readonly CsdlAction[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The element names whose attributes the model needs; every other element is passed over. */
const MODEL_ELEMENTS = new Set([
  'Schema',
  'EntityType',
  'ComplexType',
  'EnumType',
  'Member',
  'Action',
  'Property',
  'NavigationProperty',
  'Parameter',
]);

interface Tag {
  readonly name: string;
  /** Attributes, read only for MODEL_ELEMENTS (empty for the rest). */
  readonly attributes: Map<string, string>;
  readonly isClosing: boolean;
  readonly isSelfClosing: boolean;
}

const NO_ATTRIBUTES: Map<string, string> = new Map();

/** Every element tag of an XML document, in order (comments, declarations and text skipped). */
function* scanTags(xml: string): Generator<Tag> {
  let position = 0;
  for (;;) {
    const open = xml.indexOf('<', position);
    if (open < 0) return;
    if (xml.startsWith('<!--', open)) {
      position = xml.indexOf('-->', open) + 3;
      continue;
    }
    const close = xml.indexOf('>', open);
    if (close < 0) return;
    position = close + 1;
    if (xml[open + 1] === '?' || xml[open + 1] === '!') continue;
    const isClosing = xml[open + 1] === '/';
    const isSelfClosing = xml[close - 1] === '/';
    const start = open + (isClosing ? 2 : 1);
    const end = isSelfClosing ? close - 1 : close;
    let nameEnd = start;
    while (nameEnd < end && !isSpace(xml[nameEnd])) nameEnd++;
    const name = xml.slice(start, nameEnd);
    const attributes =
      isClosing || !MODEL_ELEMENTS.has(name) ? NO_ATTRIBUTES : parseAttributes(xml, nameEnd, end);
    yield { name, attributes, isClosing, isSelfClosing };
  }
}

/** The `a="1" b='2'` attributes between `from` and `to` (entities decoded). */
function parseAttributes(xml: string, from: number, to: number): Map<string, string> {
  const attributes = new Map<string, string>();
  let index = from;
  for (;;) {
    while (index < to && isSpace(xml[index])) index++;
    const equals = xml.indexOf('=', index);
    if (equals < 0 || equals >= to) break;
    const quote = xml[equals + 1] ?? '"';
    const valueEnd = xml.indexOf(quote, equals + 2);
    if (valueEnd < 0 || valueEnd >= to) break;
    attributes.set(
      xml.slice(index, equals).trim(),
      decodeEntities(xml.slice(equals + 2, valueEnd)),
    );
    index = valueEnd + 1;
  }
  return attributes;
}

function isSpace(character: string | undefined): boolean {
  return character === ' ' || character === '\n' || character === '\r' || character === '\t';
}

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

/** Read a CSDL document's schemas into a model with every alias resolved to its namespace. */
export function parseCsdl(xml: string): CsdlModel {
  const types = new Map<string, CsdlStructuredType>();
  const enums = new Map<string, Set<string>>();
  const actions: CsdlAction[] = [];
  const aliases = new Map<string, string>();
  // Types are written with any schema's alias; they are resolved once every alias is known.
  const unresolved: Array<Mutable<CsdlProperty> | Mutable<CsdlAction>> = [];
  const derived: Array<Mutable<CsdlStructuredType>> = [];
  let namespace = '';
  let currentType: CsdlStructuredType | undefined;
  let currentEnum: Set<string> | undefined;
  let currentAction: { name: string; isBound: boolean; parameters: CsdlProperty[] } | undefined;

  const qualify = (type: string | undefined): string => {
    if (type === undefined) return '';
    const collection = /^Collection\((.*)\)$/.exec(type);
    if (collection) return `Collection(${qualify(collection[1])})`;
    const dot = type.lastIndexOf('.');
    const prefix = type.slice(0, dot);
    const alias = aliases.get(prefix);
    return alias === undefined ? type : `${alias}${type.slice(dot)}`;
  };

  for (const tag of scanTags(xml)) {
    if (tag.isClosing) {
      if (tag.name === 'EntityType' || tag.name === 'ComplexType') currentType = undefined;
      if (tag.name === 'EnumType') currentEnum = undefined;
      if (tag.name === 'Action' && currentAction) {
        const [binding, ...parameters] = currentAction.parameters;
        if (currentAction.isBound && binding) {
          const action = { name: currentAction.name, bindingType: binding.type, parameters };
          unresolved.push(action);
          actions.push(action);
        }
        currentAction = undefined;
      }
      continue;
    }
    const attribute = (key: string): string | undefined => tag.attributes.get(key);
    switch (tag.name) {
      case 'Schema': {
        namespace = attribute('Namespace') ?? '';
        const alias = attribute('Alias');
        if (alias !== undefined) aliases.set(alias, namespace);
        aliases.set(namespace, namespace);
        break;
      }
      case 'EntityType':
      case 'ComplexType': {
        const type: Mutable<CsdlStructuredType> = {
          kind: tag.name,
          name: `${namespace}.${attribute('Name') ?? ''}`,
          baseType: attribute('BaseType'),
          isOpen: attribute('OpenType') === 'true',
          properties: new Map(),
          navigationProperties: new Map(),
        };
        types.set(type.name, type);
        if (type.baseType !== undefined) derived.push(type);
        currentType = tag.isSelfClosing ? undefined : type;
        break;
      }
      case 'EnumType':
        currentEnum = new Set();
        enums.set(`${namespace}.${attribute('Name') ?? ''}`, currentEnum);
        if (tag.isSelfClosing) currentEnum = undefined;
        break;
      case 'Member':
        currentEnum?.add(attribute('Name') ?? '');
        break;
      case 'Action':
        currentAction = {
          name: attribute('Name') ?? '',
          isBound: attribute('IsBound') === 'true',
          parameters: [],
        };
        break;
      case 'Property':
      case 'NavigationProperty':
      case 'Parameter': {
        const property: Mutable<CsdlProperty> = {
          name: attribute('Name') ?? '',
          type: attribute('Type') ?? '',
          isNullable: attribute('Nullable') !== 'false',
        };
        unresolved.push(property);
        if (tag.name === 'Parameter') currentAction?.parameters.push(property);
        else if (tag.name === 'Property') currentType?.properties.set(property.name, property);
        else currentType?.navigationProperties.set(property.name, property);
        break;
      }
      default:
        break;
    }
  }
  for (const item of unresolved) {
    if ('bindingType' in item) item.bindingType = qualify(item.bindingType);
    else item.type = qualify(item.type);
  }
  for (const type of derived) type.baseType = qualify(type.baseType);
  return { types, enums, actions };
}
