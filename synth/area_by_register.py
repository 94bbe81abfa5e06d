#!/usr/bin/env python3
"""Where the LUTs of a block go: every combinational cell (LUT4; CCU2C counted as 2; PFUMX and
L6MUX21 as 0, they live in the LUTs' slices) of a flattened ECP5 yosys JSON netlist is attributed
to the registers, RAM inputs and output ports it feeds (split equally among them), summed per
register name without bit / entry indexes; with each register's flip-flop count.

    python synth/area_by_register.py build/synth/default/netlist.json smmu_top [N]
    python synth/area_by_register.py one_module.json smmu_xlt_q 40      # a module synthesised alone

Shared logic is split, so the column sums to the LUT4 count plus two per CCU2C; a register's figure is the logic in
front of it (its next-state multiplexers, and the reads that feed it), not the logic it drives.
bench/README.md "Stop 26" used it to find the translation queue's per-entry output address."""
import json, re, sys, collections
d = json.load(open(sys.argv[1])); top = sys.argv[2]; N = int(sys.argv[3]) if len(sys.argv) > 3 else 40
m = d['modules'][top]
names = {}
for nm, n in m['netnames'].items():
    for b in n['bits']:
        if isinstance(b, int):
            cur = names.get(b)
            pub = not nm.startswith('$')
            score = (pub, -nm.count('_LUT4'), -len(nm))
            if cur is None or score > cur[0]:
                names[b] = (score, nm)
def grp(bit):
    nm = names.get(bit, ((0,), '?'))[1]
    nm = re.sub(r'\[\d+\]', '', nm)
    return nm
SEQ = {'TRELLIS_FF', 'DP16KD', 'TRELLIS_DPR16X4', 'PDPW16KD'}
comb_out = {}   # bit -> cell name
drv_sinks = collections.defaultdict(list)  # bit -> list of (cell, is_seq, sinkname)
cells = m['cells']
for cn, c in cells.items():
    if c['type'].startswith('$scope'): continue
    dirs = c.get('port_directions', {})
    for p, bits in c['connections'].items():
        for b in bits:
            if not isinstance(b, int): continue
            if dirs.get(p) == 'output':
                if c['type'] not in SEQ: comb_out[b] = cn
            else:
                drv_sinks[b].append((cn, p))
ports_out = {}
for pn, p in m['ports'].items():
    if p['direction'] == 'output':
        for b in p['bits']:
            if isinstance(b, int): ports_out[b] = 'OUT:' + pn
# for each comb cell: its output bits; sinks reachable
memo = {}
def sinks_of_cell(cn, stack=()):
    if cn in memo: return memo[cn]
    c = cells[cn]; dirs = c['port_directions']; res = set()
    memo[cn] = res
    for p, bits in c['connections'].items():
        if dirs.get(p) != 'output': continue
        for b in bits:
            if not isinstance(b, int): continue
            if b in ports_out: res.add(ports_out[b])
            for (sc, sp) in drv_sinks.get(b, []):
                t = cells[sc]['type']
                if t in SEQ:
                    if t == 'TRELLIS_FF':
                        q = cells[sc]['connections']['Q'][0]
                        res.add(grp(q))
                    else:
                        res.add('RAM:' + re.sub(r'\[\d+\]|\$[^ ]*', '', sc)[:60])
                else:
                    res |= sinks_of_cell(sc)
    return res
sys.setrecursionlimit(100000)
tot = collections.Counter(); cnt = collections.Counter()
for cn, c in cells.items():
    if c['type'] in ('LUT4', 'PFUMX', 'L6MUX21', 'CCU2C'):
        s = sinks_of_cell(cn)
        w = 1.0 if c['type'] == 'LUT4' else (0.0 if c['type'] != 'CCU2C' else 2.0)
        for x in s: tot[x] += w / len(s)
        if not s: tot['(none)'] += w
ff = collections.Counter()
for cn, c in cells.items():
    if c['type'] == 'TRELLIS_FF':
        ff[grp(c['connections']['Q'][0])] += 1
print(f"{'sink':60s} {'LUT4eq':>8s} {'FF':>6s}")
for k, v in tot.most_common(N):
    print(f"{k[:60]:60s} {v:8.0f} {ff.get(k,0):6d}")
print('total', round(sum(tot.values())), 'FF', sum(ff.values()))
