"""The app's "This machine" (a local run, with a recorded nvidia-smi for 2x RTX 3090 on PATH) and "Size a model"
(a config.json picked in the page, read by the browser and sized exactly; oversize and non-JSON files refused with a
clear message), driven in headless Chromium."""

import json

import pytest

from advisor.upload import size_model
from tests.test_app import ROOT, _ask, _open, browser, running_app  # noqa: F401 - the browser fixture
from tests.test_detect import fake_tool
from tools.fit import FitRequest, check_fit
from tools.models import _entries

LLAMA_2_13B_CONFIG = _entries()["llama-2-13b"]["config"]


def test_size_model_is_exact_and_refuses_what_is_not_a_config():
    sized = size_model(json.dumps(LLAMA_2_13B_CONFIG), "", "rtx-4090", 1)
    qlora = check_fit(FitRequest(model="llama-2-13b", gpu="rtx-4090", method="qlora")).required_gib
    assert sized.model_id.startswith("upload:") and f"| QLoRA fine-tune, 2,048 tokens | {qlora:.2f} of" in sized.markdown
    assert "over 1 MiB" in size_model("{" + " " * (1024 * 1024) + "}", "").markdown
    assert "is not JSON" in size_model("hidden_size: 5120", "").markdown
    for path in ("/etc/passwd", "../config.json", "C:\\models\\config.json", "config.json"):
        out = size_model("", path)
        assert out.model_id == "" and "files on this server are not read" in out.markdown


@pytest.fixture(scope="module")
def local_server(tmp_path_factory):
    bin_dir = tmp_path_factory.mktemp("bin")
    fake_tool(bin_dir, "nvidia-smi", "nvidia-smi-2x-rtx-3090.csv")
    yield from running_app(tmp_path_factory, path_first=bin_dir)


def test_this_machine_lists_the_two_3090s_and_what_runs(local_server, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    _open(page, local_server)
    page.locator("#this-machine").click()
    result = page.locator("#machine-result")
    result.get_by_text("Inference on 2x NVIDIA GeForce RTX 3090").wait_for(timeout=60_000)
    text = result.inner_text()
    assert text.count("NVIDIA GeForce RTX 3090, 24,576 MiB (catalog: rtx-3090)") == 2
    assert "LoRA fine-tuning" in text and "QLoRA fine-tuning" in text and "tokens/s" in text
    assert page.locator("#default-gpu input").input_value() == "rtx-3090"  # set as My GPU
    _ask(page, "What can I run on my machine?")
    # the answer streams section by section: wait for a later section (the catalog id) as well as the lead,
    # or the first section alone is read (it raced under CI load)
    page.wait_for_function("() => [...document.querySelectorAll('#chat .message-row')].some("
                           "r => r.innerText.includes('catalog models run') && r.innerText.includes('rtx-3090'))",
                           timeout=60_000)
    chat = page.locator("#chat").inner_text()
    assert "On 2x NVIDIA GeForce RTX 3090 24GB" in chat and "rtx-3090" in chat
    page.close()


def test_a_config_json_picked_in_the_page_is_sized_exactly_and_bad_files_are_refused(local_server, browser,  # noqa: F811
                                                                                     tmp_path):
    good = tmp_path / "config.json"
    good.write_text(json.dumps(LLAMA_2_13B_CONFIG))
    (tmp_path / "big.json").write_text("{" + " " * (1024 * 1024 + 10) + "}")
    (tmp_path / "notes.json").write_text("this is not json")
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    _open(page, local_server)
    page.get_by_text("Size a model: config.json or Hugging Face id").click()
    result = page.locator("#size-result")

    def size(path, expect):
        page.locator("#config-file").set_input_files(str(path))
        page.locator("#size-it").click()
        result.get_by_text(expect).first.wait_for(timeout=60_000)
        return result.inner_text()

    assert "over 1 MiB" in size(tmp_path / "big.json", "over 1 MiB")
    assert "not JSON" in size(tmp_path / "notes.json", "is not JSON")
    text = size(good, "13.02B parameters")
    qlora = check_fit(FitRequest(model="llama-2-13b", gpu="rtx-3090", method="qlora")).required_gib
    assert "from your config.json" in text and f"{qlora:.2f}" in text
    _ask(page, "Can I fine-tune it with QLoRA?")  # the sized model is the chat's model now
    # wait for the answer's figure itself: the question's own row already says "QLoRA" (waiting on that word
    # raced the answer under load)
    figure = f"{qlora:.1f} GiB"
    page.wait_for_function("f => [...document.querySelectorAll('#chat .message-row')].some("
                           "r => r.innerText.includes(f))", arg=figure, timeout=60_000)
    assert figure in page.locator("#chat").inner_text()
    page.close()
