"""gpu-advisor: the advisor (agent, offline engine, CLI, Slack). Heavy parts import lazily."""
