import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * The field names a client selected below `path` (e.g. ['rows']) of the current
 * field, through fragments and inline fragments: what the query compiler uses to
 * compute only the sums the answer needs.
 */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const node of info.fieldNodes) collect(node.selectionSet, path, info, names);
  return names;
}

function collect(set: SelectionSetNode | undefined, path: readonly string[], info: GraphQLResolveInfo, out: Set<string>) {
  if (!set) return;
  for (const selection of set.selections) {
    if (selection.kind === 'InlineFragment') collect(selection.selectionSet, path, info, out);
    else if (selection.kind === 'FragmentSpread') collect(info.fragments[selection.name.value]?.selectionSet, path, info, out);
    else visitField(selection, path, info, out);
  }
}

function visitField(field: FieldNode, path: readonly string[], info: GraphQLResolveInfo, out: Set<string>) {
  if (path.length === 0) out.add(field.name.value);
  else if (field.name.value === path[0]) collect(field.selectionSet, path.slice(1), info, out);
}

/** The field nodes a client selected below `path` of the current field (through fragments), to read their arguments. */
export function selectedFieldNodes(info: GraphQLResolveInfo, path: readonly string[]): FieldNode[] {
  const nodes: FieldNode[] = [];
  const walk = (set: SelectionSetNode | undefined, rest: readonly string[]): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === 'InlineFragment') walk(selection.selectionSet, rest);
      else if (selection.kind === 'FragmentSpread') walk(info.fragments[selection.name.value]?.selectionSet, rest);
      else if (rest.length === 0) nodes.push(selection);
      else if (selection.name.value === rest[0]) walk(selection.selectionSet, rest.slice(1));
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet, path);
  return nodes;
}
