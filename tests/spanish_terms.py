"""The Spanish pages' one term per concept (CONTRIBUTING.md, "Translations"), read by the two
tests that apply it: to the pages' prose (test_spanish_style.py) and to the Spanish comments
of the shown code (test_code_comments.py)."""

# One term per concept (wrong -> right), as words in prose.
TERMS = {
    r"\bficheros?\b": "archivo(s)",
    r"\bsnippets?\b": "fragmento(s) de código",
    r"\bgrafos? computacional(?:es)?\b": "grafo de cómputo",
    r"\bpruebas? de rendimiento\b": "medición de rendimiento ('las pruebas' son los tests)",
    r"\bcheckpoints?\b": "punto(s) de control",
    r"\bnotebooks?\b": "cuaderno(s)",
}
