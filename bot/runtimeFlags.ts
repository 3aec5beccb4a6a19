/**
 * The V8 flags the bot runs with in production: `npm start` (package.json) and the container
 * image (deploy/Dockerfile) pass them to node, and the benchmark starts its full bots with them,
 * so it measures what runs. A test keeps the three in step.
 *
 * - `--max-semi-space-size=32` (MB; V8's default is 16 on 64-bit): the young generation holds
 *   the objects of every turn in flight, 64 and more when many customers write at once. With
 *   16 MB they outlived it and were copied into the old generation, which then needed full
 *   collections (pauses of up to 100 ms at 64 concurrent conversations); with 32 MB they die
 *   young. At 64 concurrent conversations: 12 % more turns per second, a quarter less garbage
 *   collection per turn (docs/performance.md). The price is up to 48 MB more resident memory.
 */
export const BOT_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
