#!/usr/bin/env python3
"""Fails when a module of src/ imports one that imports it back, directly or round a
longer loop, when code shared with the browser (app.rs, pages/, components/,
i18n/) reaches into the server's modules, or when the domain (domain/) reaches up
into HTTP (server/http/) or the server functions (api/). Imports run one way (pages
-> api -> domain -> store); a loop means two modules can no longer be read, changed
or tested apart, shared code gets what it needs from the server through context, and
the domain takes plain values, so it is tested without HTTP.

A module's imports are the paths it names: its `use` items and every `crate::...`,
`super::...` or child-module path in its code (tests excluded). Each path counts for
the deepest module it names. Prints every loop, each edge of it, and exits 1; prints
one line and exits 0 when there is none.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src')


def modules():
    found = {}
    for folder, _, files in os.walk(ROOT):
        for name in files:
            if not name.endswith('.rs'):
                continue
            path = os.path.join(folder, name)
            parts = os.path.relpath(path, ROOT)[:-3].split(os.sep)
            if parts[-1] in ('mod', 'lib', 'main'):
                parts = parts[:-1]
            found['::'.join(['crate'] + parts)] = path
    return found


def code_of(path):
    text = open(path, encoding='utf-8').read()
    text = re.sub(r'//[^\n]*', '', text)
    tests = re.search(r'#\[cfg\((?:all\()?test[^\]]*\]\s*mod\s+tests', text)
    return text[:tests.start()] if tests else text


def expand(tree):
    """`a::{b, c::{d, e}}` -> a::b, a::c::d, a::c::e."""
    paths = []

    def walk(prefix, rest):
        depth, current, parts = 0, '', []
        for char in rest:
            depth += (char == '{') - (char == '}')
            if char == ',' and depth == 0:
                parts.append(current)
                current = ''
            else:
                current += char
        parts.append(current)
        for part in filter(None, parts):
            if '{' in part:
                head, inner = part.split('{', 1)
                walk(prefix + head, inner[:-1])
            else:
                paths.append(prefix + part.split(' as ')[0])

    walk('', re.sub(r'\s+', '', tree))
    return paths


def target(mods, module, path):
    segments = path.split('::')
    if segments[0] == 'crate':
        base, segments = ['crate'], segments[1:]
    elif segments[0] in ('super', 'self'):
        base = module.split('::')
        while segments and segments[0] in ('super', 'self'):
            if segments[0] == 'super':
                base = base[:-1]
            segments = segments[1:]
    elif f'{module}::{segments[0]}' in mods:
        base = module.split('::')
    else:
        return None
    for length in range(len(segments), -1, -1):
        candidate = '::'.join(base + segments[:length])
        if candidate in mods:
            return candidate
    return None


def graph(mods):
    edges = {module: set() for module in mods}
    for module, path in mods.items():
        code = code_of(path)
        trees = [m.group(1) for m in re.finditer(r'\buse\s+([^;]+);', code)]
        # Paths in code. Not one: a `use` tree's head (`crate::store::{...}`, whose
        # tree above names the modules inside its braces), or a visibility
        # (`pub(in crate::store)`).
        trees += re.findall(r'(?<!in )\b(?:crate|super)(?:::[A-Za-z_]\w*)++(?!::\{)', code)
        for tree in trees:
            for named in expand(tree):
                found = target(mods, module, named)
                if found and found != module:
                    edges[module].add(found)
    return edges


def loops(edges):
    """Tarjan's strongly connected components of more than one module."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    sys.setrecursionlimit(10_000)

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for next_node in edges[node]:
            if next_node not in index:
                visit(next_node)
                low[node] = min(low[node], low[next_node])
            elif next_node in on_stack:
                low[node] = min(low[node], index[next_node])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


# Code the browser build shares, and the server-only modules it must not reach.
SHARED = ('crate::app', 'crate::pages', 'crate::components', 'crate::i18n')
SERVER = ('crate::server', 'crate::domain', 'crate::store', 'crate::sms', 'crate::otp')
# The domain, and what sits above it.
DOMAIN = ('crate::domain',)
ABOVE_DOMAIN = ('crate::server::http', 'crate::api', 'crate::pages', 'crate::app')


def under(module, roots):
    return any(module == root or module.startswith(root + '::') for root in roots)


def main():
    mods = modules()
    if not mods:
        print(f'no modules found under {ROOT}')
        return 2
    edges = graph(mods)
    found = loops(edges)
    failed = False
    for component in found:
        failed = True
        print('import loop:', ', '.join(component))
        members = set(component)
        for module in component:
            for other in sorted(edges[module] & members):
                print(f'  {module} -> {other}')
    for module in sorted(edges):
        if under(module, SHARED):
            for other in sorted(edges[module]):
                if under(other, SERVER):
                    failed = True
                    print(f'shared code reaches into the server: {module} -> {other}')
        if under(module, DOMAIN):
            for other in sorted(edges[module]):
                if under(other, ABOVE_DOMAIN):
                    failed = True
                    print(f'the domain reaches up into HTTP: {module} -> {other}')
    if failed:
        return 1
    print(f'no import loops among {len(mods)} modules; shared code stays out of the server; '
          'the domain stays out of HTTP')
    return 0


if __name__ == '__main__':
    sys.exit(main())
