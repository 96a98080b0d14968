"""One offline engine and the two helpers the blind-round test files share: the first line of an answer, and a
conversation asked turn by turn with the earlier turns as its history."""
from advisor.offline.engine import OfflineEngine

ENGINE = OfflineEngine(quick=True)


def first_line(text: str) -> str:
    return text.strip().splitlines()[0]


def chat(*turns):
    history, answer = [], None
    for t in turns:
        answer = ENGINE.ask(t, history=history)
        history += [{"role": "user", "content": t}, {"role": "assistant", "content": answer.text}]
    return answer
