"""Run the generator's command line: `python -m seeds.synthetic --help`."""

from seeds.synthetic.cli import app

app()
