"""Regenerates converters' op-forms.txt from the ONNX operator changelog (Changelog.md).

Usage: python3 op_forms.py path/to/Changelog.md > ../main/resources/dev/kiln/converters/onnx/adapters/op-forms.txt
Each line: op since-version max-inputs max-outputs in=inputs attribute[=default]...  (-1: unbounded; '=' absent:
no default); inputs are ';'-separated, each r (required) or o (optional), v when variadic, ':' and the tensor element
types it accepts ('-': no plain tensor, '*': not constrained),
or op since-version deprecated.
"""
import re
import sys

HEAD = re.compile(r'^### <a name="([^"]+)-(\d+)"></a>.*?(\(deprecated\))?</a>$')
SECTION = re.compile(r'^#### (Attributes|Inputs|Outputs|Type Constraints)(?: \((\d+) - ([^)]+)\))?')
ATTR = re.compile(r'^<dt><tt>([^<]+)</tt> : [^(<]*(?:\((?:default is ([^)]*)|required)\))?')
ITEM = re.compile(r'^<dt><tt>([^<]+)</tt>(?: \(([^)]*)\))? : (.*)</dt>')
TENSOR = re.compile(r'(?<!\()tensor\(([a-z0-9]+)\)')


def emit(cur):
    if cur is None or cur['op'].startswith('ai.onnx'):
        return
    for section in ('Inputs', 'Outputs'):
        if cur['max'][section] is None:
            # a heading without a range lists exactly the op's inputs (or outputs)
            cur['max'][section] = cur['count'].get(section, 0)
    attrs = []
    for name, default in cur['attrs']:
        if default is None or ' ' in default or ',' in default:
            attrs.append(name)
        else:
            attrs.append(name + '=' + default)
    specs = []
    for flags, typ in cur['inputs']:
        text = cur['constraints'].get(typ, typ)
        types = sorted(set(TENSOR.findall(text)))
        # '-': only sequences, optionals or maps, so no plain tensor; '*': no constraint given
        specs.append(flags + ':' + (','.join(types) if types else '-' if text.strip() else '*'))
    print(cur['op'], cur['version'], cur['max']['Inputs'], cur['max']['Outputs'], 'in=' + ';'.join(specs), *attrs)
    if cur['deprecated']:
        print(cur['op'], cur['version'], 'deprecated')


def main(path):
    print('# ai.onnx op forms per since-version, taken from the ONNX operator changelog by src/build/op_forms.py.')
    print('# op since-version max-inputs max-outputs in=inputs attribute[=default]...  (-1: unbounded)')
    print('# inputs: ;-separated, each r|o (required|optional) [v: variadic] : accepted tensor element types (-: none, *: any)')
    print('# op since-version deprecated: that version marks the op deprecated (gone when it is the newest).')
    cur, section = None, None
    for line in open(path, encoding='utf-8'):
        m = HEAD.match(line)
        if m:
            emit(cur)
            cur = {'op': m.group(1), 'version': int(m.group(2)), 'attrs': [], 'max': {'Inputs': 0, 'Outputs': 0}, 'count': {}, 'inputs': [], 'constraints': {}, 'deprecated': m.group(3) is not None}
            section = None
            continue
        if cur is None:
            continue
        m = SECTION.match(line)
        if m:
            section = m.group(1)
            if section in ('Inputs', 'Outputs'):
                hi = m.group(3)
                cur['max'][section] = None if hi is None else (-1 if not hi.strip().isdigit() else int(hi))
            continue
        if line.startswith('#### '):
            section = None
            continue
        if section == 'Attributes':
            a = ATTR.match(line)
            if a:
                cur['attrs'].append((a.group(1), a.group(2)))
        elif section in ('Inputs', 'Outputs') and ITEM.match(line):
            cur['count'][section] = cur['count'].get(section, 0) + 1
            if section == 'Inputs':
                it = ITEM.match(line)
                flags = [f.strip() for f in (it.group(2) or '').split(',')]
                cur['inputs'].append((('o' if 'optional' in flags else 'r') + ('v' if 'variadic' in flags else ''), it.group(3).strip()))
        elif section == 'Type Constraints':
            it = ITEM.match(line)
            if it:
                cur['constraints'][it.group(1)] = it.group(3)
    emit(cur)


if __name__ == '__main__':
    main(sys.argv[1])
