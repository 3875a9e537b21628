import asyncio
import queue


def work(item, extra):
    return item + extra


async def worker(q):
    while True:
        item = await q.get()
        try:
            extra = q.get_nowait()
        except queue.Empty:
            extra = None
        work(item, extra)
        q.task_done()


async def main():
    q = asyncio.Queue()
    task = asyncio.create_task(worker(q))
    await q.put(1)
    q.get()
    await q.join()
    task.cancel()
