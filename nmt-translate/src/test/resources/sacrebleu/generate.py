#!/usr/bin/env python3
"""Builds the sacreBLEU reference vectors case040 and up from the text of case000-case039.

Needs sacreBLEU 2.6.0 (with NumPy 2, as released); the output is sacreBLEU's own. Run it with the Python
that has sacreBLEU, from anywhere:

    python3 -m venv /tmp/sb-venv && /tmp/sb-venv/bin/pip install sacrebleu==2.6.0
    /tmp/sb-venv/bin/python nmt-translate/src/test/resources/sacrebleu/generate.py

It rewrites the folders listed in CASES (never case000-case039, which came from elsewhere). Each new case
copies the references and hypotheses of an existing case; cases with several systems use that case's
other references, or its hypotheses with every third line taken from another reference, as further
systems, so no new text is made up. The folder format is described in README.md.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
JSON = ['--format', 'json', '-w', '4']
SENT = ['-sl', '-w', '4']

# (new case, source case, its references to keep, systems, sacreBLEU arguments after -i ...).
# A system is a file of the source case, or (file, other file) for the file with every third line
# (the 3rd, 6th, ...) replaced by the other file's line. One system: written as hyp.txt; several:
# hyp.txt (the baseline of paired tests), hyp1.txt, hyp2.txt, ...
CASES = [
    # bootstrap confidence intervals, one system
    ('case040', 'case005', ['ref0.txt'], ['hyp.txt'], ['-m', 'bleu', 'chrf', 'ter', '--confidence'] + JSON),
    ('case041', 'case017', ['ref0.txt', 'ref1.txt', 'ref2.txt', 'ref3.txt'], ['hyp.txt'],
     ['-m', 'bleu', '--confidence', '--confidence-n', '200'] + JSON),
    ('case042', 'case012', ['ref0.txt', 'ref1.txt'], ['hyp.txt'],
     ['-m', 'chrf', '--chrf-word-order', '2', '--confidence', '-cin', '500'] + JSON),
    ('case043', 'case038', ['ref0.txt', 'ref1.txt', 'ref2.txt'], ['hyp.txt'],
     ['-m', 'ter', '--confidence', '--confidence-n', '300'] + JSON),
    ('case044', 'case002', ['ref0.txt', 'ref1.txt'], ['hyp.txt'],
     ['-m', 'bleu', '-tok', 'intl', '--smooth-method', 'floor', '--confidence', '-cin', '100'] + JSON),
    # several systems: plain scores, paired bootstrap, paired approximate randomization
    ('case045', 'case038', ['ref0.txt'], ['hyp.txt', 'ref1.txt', ('hyp.txt', 'ref2.txt')],
     ['-m', 'bleu', 'chrf', 'ter'] + JSON),
    ('case046', 'case017', ['ref0.txt', 'ref1.txt'], ['hyp.txt', 'ref2.txt', ('hyp.txt', 'ref3.txt')],
     ['-m', 'bleu', 'chrf', 'ter', '--paired-bs'] + JSON),
    ('case047', 'case010', ['ref0.txt'], ['hyp.txt', ('hyp.txt', 'ref1.txt'), 'ref2.txt'],
     ['-m', 'bleu', '-tok', 'intl', '-lc', '--paired-bs', '--paired-bs-n', '200'] + JSON),
    ('case048', 'case022', ['ref0.txt'], ['hyp.txt', ('hyp.txt', 'ref1.txt')],
     ['-m', 'chrf', '--chrf-word-order', '2', '--paired-bs', '-pbsn', '500'] + JSON),
    ('case049', 'case017', ['ref0.txt', 'ref1.txt'], ['hyp.txt', 'ref2.txt', ('hyp.txt', 'ref3.txt')],
     ['-m', 'bleu', 'chrf', 'ter', '--paired-ar'] + JSON),
    ('case050', 'case031', ['ref0.txt'], ['hyp.txt', ('hyp.txt', 'ref1.txt'), ('hyp.txt', 'ref2.txt')],
     ['-m', 'bleu', '-lc', '--paired-ar', '--paired-ar-n', '2000'] + JSON),
    # chrF options without vectors, and combinations
    ('case051', 'case011', ['ref0.txt'], ['hyp.txt'], ['-m', 'chrf', '--chrf-eps-smoothing'] + JSON),
    ('case052', 'case004', ['ref0.txt'], ['hyp.txt'], ['-m', 'chrf', '--chrf-eps-smoothing'] + SENT),
    ('case053', 'case034', ['ref0.txt'], ['hyp.txt'],
     ['-m', 'chrf', '--chrf-word-order', '2', '--chrf-eps-smoothing', '--chrf-beta', '3'] + JSON),
    ('case054', 'case005', ['ref0.txt'], ['hyp.txt'], ['-m', 'chrf', '--chrf-word-order', '2'] + SENT),
    ('case055', 'case035', ['ref0.txt'], ['hyp.txt'],
     ['-m', 'chrf', '--chrf-char-order', '3', '--chrf-word-order', '1', '--chrf-whitespace', '--chrf-lowercase',
      '--chrf-beta', '1'] + JSON),
    # TER at sentence level and option combinations
    ('case056', 'case016', ['ref0.txt'], ['hyp.txt'], ['-m', 'ter'] + SENT),
    ('case057', 'case020', ['ref0.txt'], ['hyp.txt'],
     ['-m', 'ter', '--ter-normalized', '--ter-asian-support', '--ter-case-sensitive'] + JSON),
    ('case058', 'case018', ['ref0.txt'], ['hyp.txt'], ['-m', 'ter', '--ter-no-punct', '--ter-case-sensitive'] + JSON),
    ('case059', 'case017', ['ref0.txt', 'ref1.txt', 'ref2.txt', 'ref3.txt'], ['hyp.txt'],
     ['-m', 'ter', '--ter-normalized', '--ter-no-punct'] + SENT),
    # BLEU smoothing values other than the defaults, and sentence level with each smoothing
    ('case060', 'case008', ['ref0.txt'], ['hyp.txt'],
     ['-m', 'bleu', '--smooth-method', 'floor', '--smooth-value', '0.5'] + JSON),
    ('case061', 'case026', ['ref0.txt'], ['hyp.txt'],
     ['-m', 'bleu', '-tok', 'none', '--smooth-method', 'add-k', '--smooth-value', '3'] + JSON),
    ('case062', 'case006', ['ref0.txt'], ['hyp.txt'],
     ['-m', 'bleu', '--smooth-method', 'floor', '--smooth-value', '0.01'] + SENT),
    ('case063', 'case029', ['ref0.txt'], ['hyp.txt'],
     ['-m', 'bleu', '--smooth-method', 'add-k', '--smooth-value', '2'] + SENT),
    ('case064', 'case030', ['ref0.txt'], ['hyp.txt'], ['-m', 'bleu', '--smooth-method', 'none'] + SENT),
    # -lc with the char and zh tokenizers
    ('case065', 'case002', ['ref0.txt', 'ref1.txt'], ['hyp.txt'], ['-m', 'bleu', '-tok', 'char', '-lc'] + SENT),
    ('case066', 'case025', ['ref0.txt'], ['hyp.txt'], ['-m', 'bleu', '-tok', 'zh', '-lc'] + JSON),
]


def read_lines(path):
    with open(path, encoding='utf-8', newline='\n') as f:
        return f.read().split('\n')[:-1]


def write_lines(path, lines):
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        f.write(''.join(line + '\n' for line in lines))


def system_lines(src, spec):
    if isinstance(spec, str):
        return read_lines(src / spec)
    base, other = (read_lines(src / f) for f in spec)
    return [o if i % 3 == 2 else b for i, (b, o) in enumerate(zip(base, other))]


def sacrebleu(folder, argv):
    env = {k: v for k, v in os.environ.items() if k != 'SACREBLEU_SEED'}
    run = subprocess.run([sys.executable, __file__, '--run-sacrebleu', *argv], cwd=folder, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
    return run.stdout.decode('utf-8')


def run_sacrebleu(argv):
    """sacreBLEU's command line, except that its JSON writer turns NumPy floats into Python floats.

    sacreBLEU 2.6.0 with NumPy 2 fails to write the paired bootstrap's float32 means as JSON; this
    writes what it writes with NumPy 1.
    """
    import sacrebleu.sacrebleu
    import sacrebleu.utils
    dumps = json.dumps
    sacrebleu.utils.json.dumps = lambda obj, **kw: dumps(obj, default=float, **kw)
    sys.argv = ['sacrebleu', *argv]
    sacrebleu.sacrebleu.main()


def build(name, source, refs, systems, args):
    src, out = HERE / source, HERE / name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    ref_names = [f'ref{i}.txt' for i in range(len(refs))]
    for r, n in zip(refs, ref_names):
        shutil.copyfile(src / r, out / n)
    hyp_names = ['hyp.txt' if i == 0 else f'hyp{i}.txt' for i in range(len(systems))]
    for s, n in zip(systems, hyp_names):
        write_lines(out / n, system_lines(src, s))
    sentence_level = '-sl' in args
    spec = {'refs': ref_names, 'args': args, 'sentence_level': sentence_level}
    if len(systems) > 1:
        spec['hyps'] = hyp_names
    with open(out / 'args.json', 'w', encoding='utf-8') as f:
        json.dump(spec, f, indent=1)
        f.write('\n')
    stdout = sacrebleu(out, [*ref_names, '-i', *hyp_names, *args])
    if sentence_level:
        (out / 'expected.txt').write_text(stdout, encoding='utf-8')
        return
    json.loads(stdout)
    (out / 'expected.json').write_text(stdout, encoding='utf-8')
    if len(systems) > 1:
        # Multi-system JSON has no signatures; the text output lists them after this header.
        text = sacrebleu(out, [*ref_names, '-i', *hyp_names, *args, '--format', 'text', '--no-color'])
        sigs = text.split('Metric signatures\n-----------------\n', 1)[1]
        (out / 'signatures.txt').write_text(sigs, encoding='utf-8')


def main():
    import sacrebleu
    if sacrebleu.__version__ != '2.6.0':
        sys.exit(f'needs sacreBLEU 2.6.0, found {sacrebleu.__version__}')
    for case in CASES:
        build(*case)
        print(case[0], ' '.join(case[4]))


if __name__ == '__main__':
    if sys.argv[1:2] == ['--run-sacrebleu']:
        run_sacrebleu(sys.argv[2:])
    else:
        main()
