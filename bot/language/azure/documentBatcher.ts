/** One document waiting for the next request, with what it is answered through. */
interface Waiting<R> {
  text: string;
  language: string;
  resolve: (result: R | undefined) => void;
}

/**
 * Sends the documents asked for in the same moment (one turn redacts a customer message and the
 * bot's replies; a reply of several messages asks for several) in one request per language and
 * at most `maxDocuments` per request, instead of one request each. NOTE: it waits only for the
 * current run of the event loop to finish (setImmediate), never for a timer.
 */
export class DocumentBatcher<R> {
  private waiting: Waiting<R>[] = [];
  private scheduled = false;

  /**
   * @param send one request for `texts` (all in `language`), answering per document, in order;
   *   undefined for the whole request when it failed.
   */
  constructor(
    private readonly maxDocuments: number,
    private readonly send: (texts: string[], language: string) => Promise<(R | undefined)[] | undefined>,
  ) {}

  /** The result for `text`, or undefined when its request failed. */
  submit(text: string, language: string): Promise<R | undefined> {
    return new Promise((resolve) => {
      this.waiting.push({ text, language, resolve });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    });
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    const byLanguage = new Map<string, Waiting<R>[]>();
    for (const item of waiting)
      byLanguage.set(item.language, [...(byLanguage.get(item.language) ?? []), item]);
    for (const [language, items] of byLanguage) {
      for (let i = 0; i < items.length; i += this.maxDocuments) {
        const group = items.slice(i, i + this.maxDocuments);
        this.send(
          group.map((item) => item.text),
          language,
        ).then(
          (results) => group.forEach((item, index) => item.resolve(results?.[index])),
          () => group.forEach((item) => item.resolve(undefined)),
        );
      }
    }
  }
}
