"""What `gpu-advisor slack --help` says about settings (no imports: the CLI's parser is built at every start)."""

SETTINGS_HELP = """settings (environment variables, or a .env file in the working directory):
  Socket Mode (no public URL): SLACK_BOT_TOKEN (xoxb-..., OAuth & Permissions) and
      SLACK_APP_TOKEN (xapp-..., scope connections:write, Basic Information -> App-Level Tokens)
  HTTP mode (when SLACK_APP_TOKEN is unset): SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (Basic Information ->
      App Credentials); events at http://HOST:PORT/slack/events, behind a TLS proxy
  Offline (--offline or SLACK_OFFLINE=1, local testing): SLACK_SIGNING_SECRET only; nothing reaches Slack:
      the token is not checked, threads are not read, answers are written to the log instead of posted
  Optional: SLACK_DEDUP_REDIS_URL (several bot processes answer each event once); OPENAI_API_KEY or
      OPENAI_BASE_URL and ADVISOR_MODEL to answer with an LLM (default: the offline engine)"""
