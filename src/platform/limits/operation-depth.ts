import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * The depth of an operation with its fragments expanded (the pre-parse scan sees
 * a fragment's selections apart from where they are spread). Selections under
 * `__schema` and `__type` do not count: their size is bounded by the cost model.
 * Runs after validation, so fragments are known and do not cycle; each fragment's
 * depth is computed once.
 */
export function operationDepth(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragmentDepth = new Map<string, number>();
  const depthOf = (set: SelectionSetNode | undefined, visiting: Set<string>): number => {
    if (!set) return 0;
    let deepest = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__schema' || name === '__type' || !selection.selectionSet) continue;
        deepest = Math.max(deepest, depthOf(selection.selectionSet, visiting));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depthOf(selection.selectionSet, visiting) - 1);
      } else {
        const name = selection.name.value;
        let depth = fragmentDepth.get(name);
        if (depth === undefined) {
          if (visiting.has(name)) continue; // a cycle: validation refuses it
          visiting.add(name);
          depth = depthOf(fragments.get(name)?.selectionSet, visiting) - 1;
          visiting.delete(name);
          fragmentDepth.set(name, depth);
        }
        deepest = Math.max(deepest, depth);
      }
    }
    return 1 + deepest;
  };
  return depthOf(operation.selectionSet, new Set());
}
