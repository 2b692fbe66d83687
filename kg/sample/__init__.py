"""The bundled sample corpus: five Hugging Face listing pages, shipped so `kg build` works anywhere."""
from pathlib import Path

SAMPLE_DIR = Path(__file__).parent
