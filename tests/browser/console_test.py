"""The web console in Chromium, as each role of the chain uses it.

Run by console_browser_e2etest (which starts the services and writes the run's JSON: console URL, case ids, tokens,
artifacts folder). Exits non-zero on the first failed expectation; a screenshot of each page goes to the artifacts.
"""
import json
import sys
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

CONFIG = json.loads(Path(sys.argv[1]).read_text())
URL = CONFIG["url"]
ARTIFACTS = Path(CONFIG["artifacts"])
TOKENS = CONFIG["tokens"]
CHAIN = CONFIG["chain_case"]
BREACH = CONFIG["breach_case"]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
ROLE_NAMES = {
    "grid_worker": "网格员", "other_grid_worker": "网格员", "community": "村（社区）",
    "township_dispatcher": "乡镇（街道）派单员", "department_handler": "部门承办人", "supervisor": "督查督办",
}
REPLY = "已更换破裂管段，恢复供水，路面积水已清理。"
page_errors = []
started = time.monotonic()


def log(*parts):
    print(f"[{time.monotonic() - started:6.1f}s]", *parts, flush=True)


def login(browser, role, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  accept_downloads=True)
    page = context.new_page()
    page.on("pageerror", lambda error: page_errors.append(f"{role}: {error}"))
    page.on("console", lambda m: m.type == "error" and log(f"{role} console error:", m.text))
    page.goto(URL + "/")
    page.fill("#token", TOKENS[role])
    page.click("#login")
    expect(page.locator("#who-role")).to_have_text(ROLE_NAMES[role])
    log("signed in as", role)
    return page


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    log("screenshot", name)


def row(page, case_id):
    return page.locator(f'#queue tr[data-case="{case_id}"]')


def commands(locator):
    return [b.get_attribute("data-command") for b in locator.locator("button[data-command]").all()]


def run_command(page, scope, command, fill=None):
    scope.locator(f'button[data-command="{command}"]').click()
    expect(page.locator("#dialog")).to_be_visible()
    if fill:
        fill(page)
    page.click("#confirm")
    expect(page.locator("#notice")).to_be_visible()


def main():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])

        # The supervisor's board watches first: the breach case runs out of time while the chain is worked.
        board = login(browser, "supervisor")
        expect(board.locator("#live.on")).to_be_visible(timeout=15000)
        expect(board.locator('#nav a[data-view="board"]')).to_be_visible()
        expect(board.locator('#nav a[data-view="queue"]')).to_be_hidden()

        # 网格员 on a phone: the queue as cards, nothing wider than the screen, exactly the grid's commands.
        grid = login(browser, "grid_worker", PHONE)
        expect(row(grid, CHAIN)).to_be_visible()
        width = grid.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"the phone page is {width}px wide"
        assert commands(row(grid, CHAIN)) == ["VerifyGrid", "MarkInvalid", "MarkDuplicate"], commands(row(grid, CHAIN))
        expect(grid.locator('#nav a[data-view="board"]')).to_be_hidden()
        expect(grid.locator("#queue .light")).to_have_count(2)
        shot(grid, "queue-grid-worker-phone")
        # Search by case id opens the case page.
        grid.fill("#search", CHAIN)
        grid.press("#search", "Enter")
        expect(grid.locator("#timeline")).to_contain_text("群众点单", timeout=10000)
        expect(grid.locator("#case-map polygon.here")).to_have_count(1)
        width = grid.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"the phone case page is {width}px wide"
        shot(grid, "case-grid-worker-phone")
        grid.goto(URL + "/#/queue")
        run_command(grid, row(grid, CHAIN), "VerifyGrid",
                    lambda pg: pg.fill('#dialog textarea[name="note"]', "现场核实属实，管道破裂"))
        expect(grid.locator("#notice")).to_contain_text("已核实")
        expect(row(grid, CHAIN)).to_have_count(0)

        # A grid worker of the next grid neither holds nor may act on the case.
        other = login(browser, "other_grid_worker")
        expect(other.locator("#main")).to_contain_text("暂无待办案件")
        other.goto(URL + f"/#/case/{CHAIN}")
        expect(other.locator("#main .panel").first).to_be_visible()
        expect(other.locator("#case-actions button")).to_have_count(0)
        other.context.close()

        # 村（社区）: up to the township.
        community = login(browser, "community")
        expect(row(community, CHAIN)).to_be_visible()
        assert commands(row(community, CHAIN)) == ["CommunityHandleLocally", "CommunityEscalate"], \
            commands(row(community, CHAIN))
        shot(community, "queue-community")
        run_command(community, row(community, CHAIN), "CommunityEscalate",
                    lambda pg: pg.fill('#dialog textarea[name="reason"]', "需供水部门抢修"))
        expect(community.locator("#notice")).to_contain_text("已上报街镇")

        # 乡镇（街道）: dispatch by the catalogue (直派).
        township = login(browser, "township_dispatcher")
        expect(row(township, CHAIN)).to_be_visible()
        assert "TownshipDispatch" in commands(row(township, CHAIN)), commands(row(township, CHAIN))
        township.locator(f'#queue tr[data-case="{CHAIN}"] button[data-command="TownshipDispatch"]').click()
        expect(township.locator('#dialog select[name="department_code"] option').first).to_contain_text("清河县水务集团")
        shot(township, "dispatch-dialog-township")
        township.click("#confirm")
        expect(township.locator("#notice")).to_contain_text("已派单")

        # 部门: two screens of the same handler; the second signs for the case, the first is then stale.
        handler = login(browser, "department_handler")
        expect(row(handler, CHAIN)).to_be_visible()
        assert commands(row(handler, CHAIN)) == ["DepartmentAccept", "DepartmentTransfer", "DepartmentReturn"], \
            commands(row(handler, CHAIN))
        shot(handler, "queue-department")
        second = login(browser, "department_handler")
        run_command(second, row(second, CHAIN), "DepartmentAccept")
        expect(second.locator("#notice")).to_contain_text("已签收")
        second.context.close()
        run_command(handler, row(handler, CHAIN), "DepartmentAccept")
        expect(handler.locator("#notice")).to_contain_text("刚被他人更新")
        expect(row(handler, CHAIN).locator('button[data-command="Resolve"]')).to_be_visible()
        assert commands(row(handler, CHAIN)) == ["DepartmentTransfer", "DepartmentReturn", "RequestExtension",
                                                 "Resolve", "PauseForResident"], commands(row(handler, CHAIN))
        # 延期: the handler asks, the township (which does not hold the case) decides from its list of other cases.
        run_command(handler, row(handler, CHAIN), "RequestExtension",
                    lambda pg: pg.fill('#dialog textarea[name="reason"]', "需协调停水时间，申请延期"))
        expect(handler.locator("#notice")).to_contain_text("已申请延期")
        township.reload()
        other_case = township.locator(f'#others tr[data-case="{CHAIN}"]')
        expect(other_case).to_be_visible()
        assert commands(other_case) == ["DecideExtension"], commands(other_case)
        shot(township, "queue-township-extension")
        run_command(township, other_case, "DecideExtension",
                    lambda pg: pg.fill('#dialog textarea[name="note"]', "同意延期一个工作日"))
        expect(township.locator("#notice")).to_contain_text("已延期审批")
        handler.click(f'#queue tr[data-case="{CHAIN}"] a')
        expect(handler.locator("#case-actions")).to_be_visible()
        run_command(handler, handler.locator("#case-actions"), "Resolve",
                    lambda pg: pg.fill('#dialog textarea[name="reply"]', REPLY))
        expect(handler.locator("#notice")).to_contain_text("已办结")
        expect(handler.locator("#main")).to_contain_text(REPLY)
        expect(handler.locator("#case-actions button")).to_have_count(0)
        expect(handler.locator("#timeline")).to_contain_text("部门签收")
        expect(handler.locator("#timeline")).to_contain_text("延期审批")
        shot(handler, "case-department")

        # The breach arrives on the open board without a reload, within 2 s of being fired.
        alert = board.locator(f'#alerts li[data-case="{BREACH}"][data-kind="breach"]')
        expect(alert).to_be_visible(timeout=90000)
        occurred = alert.get_attribute("data-occurred")
        latency = int(alert.get_attribute("data-received")) - board.evaluate(f"Date.parse('{occurred}')")
        log("breach shown", latency, "ms after it fired")
        assert latency <= 2000, f"the breach appeared {latency} ms after it fired"
        # The board reads its overdue list and map again on a breach, still without a reload.
        expect(board.locator(f'#overdue tr[data-case="{BREACH}"]')).to_be_visible(timeout=15000)
        expect(board.locator("#board-map circle.dot.red")).to_have_count(1)
        expect(alert).to_be_visible()
        shot(board, "board-supervisor")

        # 督办 on the overdue case; the board is read again (the alerts stay).
        board.click('#nav a[data-view="report"]')
        expect(board.locator("h2", has_text="三率排名")).to_be_visible()
        with board.expect_download() as download:
            board.click("#csv")
        csv_path = ARTIFACTS / "report.csv"
        download.value.save_as(csv_path)
        assert csv_path.stat().st_size > 0, "the CSV export is empty"
        shot(board, "report-supervisor")
        board.click('#nav a[data-view="board"]')
        overdue = board.locator(f'#overdue tr[data-case="{BREACH}"]')
        expect(overdue).to_be_visible(timeout=15000)
        expect(board.locator("#by-township")).to_contain_text("清波街道")
        run_command(board, overdue, "Escalate",
                    lambda pg: pg.fill('#dialog textarea[name="reason"]', "超期未办，提级县级督办"))
        expect(board.locator("#notice")).to_contain_text("已督办")

        browser.close()
    assert not page_errors, page_errors
    log("done")


if __name__ == "__main__":
    main()
