package main

// openai and anthropic are mentioned in this comment only.
func openaiDisabled() bool { return true }
