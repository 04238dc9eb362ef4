"""The kinds of record that can be imported: `base` describes one, each module one kind."""
