"""Arabic text helpers in pure Python: importable without Django configured."""
