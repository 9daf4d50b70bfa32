// Regenerates graph-v1.0-definitions.json from graph-v1.0.csdl.gz: the definitions the emulator
// checks request bodies against (the actions it serves, the resource types it accepts in bodies,
// and every type they reach), so that no test pays for parsing 3 MB of XML.
//
//   node tools/graph-emulator/metadata/extract-definitions.ts
//
// Run it after replacing graph-v1.0.csdl.gz; the conformance suite fails while the JSON is stale.

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseCsdl } from './csdl.ts';
import type { CsdlModel, CsdlProperty, CsdlStructuredType } from './csdl.ts';

/** The actions (binding type and name) whose bodies the emulator validates. */
export const SERVED_ACTIONS: ReadonlyArray<{ bindingType: string; name: string }> = [
  { bindingType: 'microsoft.graph.driveItem', name: 'createUploadSession' },
];

/** The resource types whose bodies the emulator validates (POST children, PATCH). */
export const SERVED_RESOURCE_TYPES: readonly string[] = [
  'microsoft.graph.driveItem',
  'microsoft.graph.fieldValueSet',
];

/** The extracted definitions, as stored in graph-v1.0-definitions.json. */
export interface ServiceDefinitions {
  readonly source: string;
  readonly types: ReadonlyArray<{
    kind: 'EntityType' | 'ComplexType';
    name: string;
    baseType?: string;
    isOpen: boolean;
    properties: CsdlProperty[];
    navigationProperties: CsdlProperty[];
  }>;
  readonly enums: Readonly<Record<string, string[]>>;
  readonly actions: ReadonlyArray<{
    name: string;
    bindingType: string;
    parameters: CsdlProperty[];
  }>;
}

export const CSDL_FILE = new URL('./graph-v1.0.csdl.gz', import.meta.url);
export const DEFINITIONS_FILE = new URL('./graph-v1.0-definitions.json', import.meta.url);

function elementType(type: string): string {
  return type.startsWith('Collection(') ? type.slice('Collection('.length, -1) : type;
}

/**
 * The served actions and resource types of `model`, with every type their parameters and
 * properties reach (base types, property types, and the types derived from a reached complex
 * type, which a body may name with "@odata.type"). Navigation properties are kept by name only:
 * their targets are other resources, not part of these bodies.
 */
export function extractDefinitions(model: CsdlModel): ServiceDefinitions {
  const wanted = new Set<string>();
  const queue: string[] = [];
  const reach = (name: string | undefined): void => {
    if (name === undefined) return;
    const type = elementType(name);
    if (wanted.has(type) || (!model.types.has(type) && !model.enums.has(type))) return;
    wanted.add(type);
    queue.push(type);
  };
  const actions = SERVED_ACTIONS.map(({ bindingType, name }) => {
    const action = model.actions.find(
      (candidate) => candidate.name === name && candidate.bindingType === bindingType,
    );
    if (!action) throw new Error(`the metadata has no action ${name} bound to ${bindingType}`);
    for (const parameter of action.parameters) reach(parameter.type);
    return { name, bindingType, parameters: [...action.parameters] };
  });
  for (const name of SERVED_RESOURCE_TYPES) reach(name);
  const derivedFrom = (base: string): CsdlStructuredType[] =>
    [...model.types.values()].filter((type) => type.baseType === base);
  for (let type = queue.shift(); type !== undefined; type = queue.shift()) {
    const structured = model.types.get(type);
    if (!structured) continue;
    reach(structured.baseType);
    for (const property of structured.properties.values()) reach(property.type);
    if (structured.kind === 'ComplexType')
      for (const derived of derivedFrom(type)) reach(derived.name);
  }
  const sorted = [...wanted].sort();
  return {
    source: 'microsoftgraph/msgraph-metadata schemas/v1.0-Prod.csdl (graph-v1.0.csdl.gz)',
    types: sorted.flatMap((name) => {
      const type = model.types.get(name);
      if (!type) return [];
      return [
        {
          kind: type.kind,
          name,
          ...(type.baseType === undefined ? {} : { baseType: type.baseType }),
          isOpen: type.isOpen,
          properties: [...type.properties.values()],
          navigationProperties: [...type.navigationProperties.values()],
        },
      ];
    }),
    enums: Object.fromEntries(
      sorted.flatMap((name) => {
        const members = model.enums.get(name);
        return members ? [[name, [...members]]] : [];
      }),
    ),
    actions,
  };
}

/** The definitions as extracted from the CSDL file beside this script, as JSON text. */
export function renderDefinitionsFromCsdl(): string {
  const model = parseCsdl(gunzipSync(readFileSync(CSDL_FILE)).toString('utf8'));
  return `${JSON.stringify(extractDefinitions(model), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(DEFINITIONS_FILE, renderDefinitionsFromCsdl());
  console.log(`wrote ${fileURLToPath(DEFINITIONS_FILE)}`);
}
