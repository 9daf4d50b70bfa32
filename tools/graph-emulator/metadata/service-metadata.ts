// Microsoft Graph v1.0's published service metadata (the definitions extracted from the copy
// beside this file; source and date in README.md), and the checks of request bodies against it
// that Graph's OData layer makes before SharePoint sees a request: action parameters by name,
// properties of non-open types by name, values by type.

import { readFileSync } from 'node:fs';
import { GraphError } from '../http-util.ts';
import type { CsdlAction, CsdlModel, CsdlProperty, CsdlStructuredType } from './csdl.ts';
import type { ServiceDefinitions } from './extract-definitions.ts';

const DEFINITIONS_FILE = new URL('./graph-v1.0-definitions.json', import.meta.url);

let cachedModel: CsdlModel | undefined;

/** Build a model from extracted definitions (graph-v1.0-definitions.json). */
export function modelFromDefinitions(definitions: ServiceDefinitions): CsdlModel {
  const byName = (members: readonly CsdlProperty[]): Map<string, CsdlProperty> =>
    new Map(members.map((member) => [member.name, member]));
  return {
    types: new Map(
      definitions.types.map((type) => [
        type.name,
        {
          kind: type.kind,
          name: type.name,
          baseType: type.baseType,
          isOpen: type.isOpen,
          properties: byName(type.properties),
          navigationProperties: byName(type.navigationProperties),
        },
      ]),
    ),
    enums: new Map(
      Object.entries(definitions.enums).map(([name, members]) => [name, new Set(members)]),
    ),
    actions: definitions.actions,
  };
}

/** Graph v1.0's model (the served subset), read on first use and kept for the process. */
export function graphModel(): CsdlModel {
  cachedModel ??= modelFromDefinitions(
    JSON.parse(readFileSync(DEFINITIONS_FILE, 'utf8')) as ServiceDefinitions,
  );
  return cachedModel;
}

/** The bound action `name` whose binding parameter has type `bindingType`. */
export function boundAction(
  bindingType: string,
  name: string,
  model: CsdlModel = graphModel(),
): CsdlAction {
  const action = model.actions.find(
    (candidate) => candidate.name === name && candidate.bindingType === bindingType,
  );
  if (!action) throw new Error(`Graph v1.0 metadata has no action ${name} bound to ${bindingType}`);
  return action;
}

/**
 * Check an action's JSON body: every member names one of its parameters (OData's parameter
 * reader refuses any other with "The parameter '…' in the request payload is not a valid parameter
 * for the operation '…'."), and every value fits its parameter's type. Instance annotations
 * ("@…" members) are left to the handler. 400 BadRequest otherwise.
 */
export function assertValidActionBody(
  bindingType: string,
  actionName: string,
  body: Record<string, unknown>,
  model: CsdlModel = graphModel(),
): void {
  const action = boundAction(bindingType, actionName, model);
  for (const [key, value] of Object.entries(body)) {
    if (isAnnotation(key)) continue;
    const parameter = action.parameters.find((candidate) => candidate.name === key);
    if (!parameter) {
      throw badRequest(
        `The parameter '${key}' in the request payload is not a valid parameter for the operation '${actionName}'.`,
      );
    }
    assertValidValue(model, parameter, value);
  }
}

/**
 * Check a resource body (POST to create, PATCH to update) against its type: members of a type
 * that is not open must be declared properties (of the type or a base type), and every declared
 * property's value fits its type. 400 BadRequest otherwise.
 */
export function assertValidResourceBody(
  typeName: string,
  body: Record<string, unknown>,
  model: CsdlModel = graphModel(),
): void {
  assertValidValue(model, { name: typeName, type: typeName, isNullable: false }, body);
}

/** "@odata.type", "@microsoft.graph.conflictBehavior", "name@odata.type": instance annotations. */
function isAnnotation(key: string): boolean {
  return key.includes('@');
}

function badRequest(message: string): GraphError {
  return new GraphError(400, 'BadRequest', message);
}

function findMember(
  model: CsdlModel,
  type: CsdlStructuredType,
  name: string,
): CsdlProperty | undefined {
  for (
    let current: CsdlStructuredType | undefined = type;
    current;
    current = current.baseType === undefined ? undefined : model.types.get(current.baseType)
  ) {
    const member = current.properties.get(name) ?? current.navigationProperties.get(name);
    if (member) return member;
  }
  return undefined;
}

function isOpen(model: CsdlModel, type: CsdlStructuredType): boolean {
  for (
    let current: CsdlStructuredType | undefined = type;
    current;
    current = current.baseType === undefined ? undefined : model.types.get(current.baseType)
  ) {
    if (current.isOpen) return true;
  }
  return false;
}

function derivesFrom(model: CsdlModel, typeName: string, baseName: string): boolean {
  for (let current = model.types.get(typeName); current;) {
    if (current.name === baseName) return true;
    current = current.baseType === undefined ? undefined : model.types.get(current.baseType);
  }
  return false;
}

const INTEGER_TYPES = new Set(['Edm.Byte', 'Edm.SByte', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64']);
const NUMBER_TYPES = new Set(['Edm.Double', 'Edm.Single', 'Edm.Decimal']);
/** OData's DateTimeOffset literal (RFC 3339 with a required offset). */
const DATE_TIME_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

function assertValidValue(model: CsdlModel, slot: CsdlProperty, value: unknown): void {
  const { type } = slot;
  if (value === null) {
    if (slot.isNullable) return;
    throw badRequest(
      `A null value was found for the property named '${slot.name}', which has the expected type '${type}[Nullable=False]'. The expected type '${type}[Nullable=False]' does not allow null values.`,
    );
  }
  const collection = /^Collection\((.*)\)$/.exec(type);
  if (collection) {
    if (!Array.isArray(value)) {
      throw badRequest(`The value of '${slot.name}' must be a JSON array of ${collection[1]}.`);
    }
    for (const element of value) {
      assertValidValue(
        model,
        { name: slot.name, type: collection[1] ?? '', isNullable: true },
        element,
      );
    }
    return;
  }
  const literal = (): GraphError =>
    badRequest(`Cannot convert the literal '${String(value)}' to the expected type '${type}'.`);
  if (type === 'Edm.String' || type === 'Edm.Binary' || type === 'Edm.Date') {
    if (typeof value !== 'string') throw literal();
    return;
  }
  if (type === 'Edm.Boolean') {
    if (typeof value !== 'boolean') throw literal();
    return;
  }
  if (INTEGER_TYPES.has(type)) {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw literal();
    return;
  }
  if (NUMBER_TYPES.has(type)) {
    if (typeof value !== 'number') throw literal();
    return;
  }
  if (type === 'Edm.DateTimeOffset') {
    if (typeof value !== 'string' || !DATE_TIME_OFFSET.test(value)) throw literal();
    return;
  }
  const members = model.enums.get(type);
  if (members) {
    if (typeof value !== 'string' || !value.split(',').every((name) => members.has(name.trim()))) {
      throw badRequest(`The value '${String(value)}' is not a member of the enum type '${type}'.`);
    }
    return;
  }
  const structured = model.types.get(type);
  if (!structured) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(`The value of '${slot.name}' must be a JSON object of type '${type}'.`);
  }
  const object = value as Record<string, unknown>;
  let actual = structured;
  const declared = object['@odata.type'];
  if (declared !== undefined) {
    const name = String(declared).replace(/^#/, '');
    const named = model.types.get(name);
    if (!named || !derivesFrom(model, name, type)) {
      throw badRequest(
        `A type named '${name}' could not be resolved as '${type}' or a type derived from it.`,
      );
    }
    actual = named;
  }
  const open = isOpen(model, actual);
  for (const [key, member] of Object.entries(object)) {
    if (isAnnotation(key)) continue;
    const property = findMember(model, actual, key);
    if (property) assertValidValue(model, property, member);
    else if (!open) {
      throw badRequest(
        `The property '${key}' does not exist on type '${actual.name}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      );
    }
  }
}
