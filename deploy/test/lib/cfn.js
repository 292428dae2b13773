// Reads a CloudFormation/SAM YAML template with its short-form intrinsic tags (!Ref, !Sub,
// !GetAtt, ...) as plain objects ({Ref: x}, {"Fn::Sub": y}, ...), the way CloudFormation does.
'use strict';
const fs = require('node:fs');
const YAML = require('yaml');

const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select',
  'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'Length', 'ToJsonString'];

function tagsFor() {
  const tags = [];
  for (const kind of ['scalar', 'seq', 'map']) {
    tags.push({ tag: '!Ref', collection: kind === 'scalar' ? undefined : kind,
      resolve: (v) => ({ Ref: v && v.toJSON ? v.toJSON() : v }) });
    tags.push({ tag: '!Condition', collection: kind === 'scalar' ? undefined : kind,
      resolve: (v) => ({ Condition: v && v.toJSON ? v.toJSON() : v }) });
    tags.push({ tag: '!GetAtt', collection: kind === 'scalar' ? undefined : kind,
      resolve: (v) => {
        const value = v && v.toJSON ? v.toJSON() : v;
        return { 'Fn::GetAtt': typeof value === 'string' ? value.split('.') : value };
      } });
    for (const fn of FUNCTIONS) {
      tags.push({ tag: `!${fn}`, collection: kind === 'scalar' ? undefined : kind,
        resolve: (v) => ({ [`Fn::${fn}`]: v && v.toJSON ? v.toJSON() : v }) });
    }
  }
  return tags.map((t) => (t.collection ? t : { tag: t.tag, resolve: t.resolve }));
}

function loadTemplate(file) {
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'), { customTags: tagsFor() });
  if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message).join('\n'));
  return doc.toJSON();
}

/** Calls fn(node, parentKey) for every object node in the tree. */
function walk(node, fn, key = null) {
  if (Array.isArray(node)) {
    node.forEach((n) => walk(n, fn, key));
  } else if (node && typeof node === 'object') {
    fn(node, key);
    for (const [k, v] of Object.entries(node)) walk(v, fn, k);
  }
}

module.exports = { loadTemplate, walk };
