// Site behaviour.
