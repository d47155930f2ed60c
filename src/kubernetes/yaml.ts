// Kubernetes objects as YAML documents: a header comment, then one `---` document per object,
// keys in the order the object was built (js-yaml keeps insertion order), multi-line strings
// (PromQL, the mlwatch config, dashboard JSON) as literal blocks.
import { dump } from 'js-yaml';

export function manifestYaml(header: readonly string[], objects: readonly object[]): string {
  const comment = header.map((line) => (line === '' ? '#' : `# ${line}`)).join('\n');
  const documents = objects.map((object) => `---\n${dump(object, { lineWidth: -1, noRefs: true, quotingType: '"' })}`);
  return `${comment}\n${documents.join('')}`;
}
