import type { Page } from 'playwright-core';

/**
 * A page's accessibility problems as the browser tests check them, without a
 * rule engine: every control named (a label, aria-label or text), text
 * contrast per WCAG 2.2 (4.5:1, 3:1 for large text) against the background it
 * is drawn on, and the keyboard: Tab reaches every control in document order
 * and each one shows a focus indicator. Each problem is one line naming the
 * element and the rule.
 */

/** Labels and contrast of what is visible now. */
export async function staticProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const g = globalThis as any;
    const problems: string[] = [];
    const describe = (el: any) => {
      const id = el.id ? `#${el.id}` : '';
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      const text = (el.textContent ?? '').trim().slice(0, 30);
      return `<${el.tagName.toLowerCase()}${id}${cls}>${text ? ` "${text}"` : ''}`;
    };
    const visible = (el: any) => {
      const style = g.getComputedStyle(el);
      const box = el.getBoundingClientRect();
      return style.visibility !== 'hidden' && style.display !== 'none' && box.width > 0 && box.height > 0;
    };

    // Every control has a name.
    for (const el of g.document.querySelectorAll('input, select, textarea, button')) {
      if (!visible(el) || el.type === 'hidden') continue;
      const named = (el.labels?.length ?? 0) > 0 || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el.tagName === 'BUTTON' && el.textContent.trim());
      if (!named) problems.push(`${describe(el)} has no label`);
    }

    // Contrast of text against its background (alpha composited over the ancestors' backgrounds, white at the bottom).
    type Rgba = [number, number, number, number];
    const parse = (color: string): Rgba => {
      const m = color.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 1];
      const [r, gr, b, a = '1'] = m[1]!.split(/[\s,/]+/).filter(Boolean);
      return [Number(r), Number(gr), Number(b), Number(a)];
    };
    const over = ([r, gr, b, a]: Rgba, [R, G, B]: Rgba): Rgba => [r * a + R * (1 - a), gr * a + G * (1 - a), b * a + B * (1 - a), 1];
    const background = (el: any): Rgba => {
      const layers: Rgba[] = [];
      for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
        const color = parse(g.getComputedStyle(node).backgroundColor);
        if (color[3] > 0) layers.push(color);
        if (color[3] >= 1) break;
      }
      return layers.reduceRight<Rgba>((below, layer) => over(layer, below), [255, 255, 255, 1]);
    };
    const luminance = ([r, gr, b]: Rgba) => {
      const channel = (v: number) => {
        const s = v / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(gr) + 0.0722 * channel(b);
    };
    const ratio = (a: Rgba, b: Rgba) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi! + 0.05) / (lo! + 0.05);
    };
    const withText = [...g.document.querySelectorAll('body *')].filter(
      (el: any) => [...el.childNodes].some((n: any) => n.nodeType === 3 && n.textContent.trim()) || ['INPUT', 'SELECT', 'BUTTON'].includes(el.tagName),
    );
    for (const el of withText) {
      if (!visible(el) || el.closest('noscript')) continue;
      const style = g.getComputedStyle(el);
      const bg = background(el);
      const fg = over(parse(style.color), bg);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const needed = large ? 3 : 4.5;
      const actual = ratio(fg, bg);
      if (actual < needed) problems.push(`${describe(el)}: contrast ${actual.toFixed(2)}:1 (${style.color} on rgb(${bg.slice(0, 3).map(Math.round).join(', ')})), below ${needed}:1`);
    }
    return problems;
  });
}

/**
 * Tabs from the top of the page through every control: each one that can take
 * the focus is reached (no trap, nothing skipped), and shows an outline of at
 * least 2 px while focused (a date field's segments show the browser's own).
 */
export async function keyboardProblems(page: Page): Promise<string[]> {
  const controls: string[] = await page.evaluate(() => {
    const g = globalThis as any;
    let n = 0;
    const found: string[] = [];
    for (const el of g.document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')) {
      const box = el.getBoundingClientRect();
      if (el.disabled || el.getAttribute('tabindex') === '-1' || box.width === 0 || box.height === 0) continue;
      el.setAttribute('data-tab-check', String(n));
      found.push(String(n++));
    }
    g.document.activeElement?.blur();
    return found;
  });
  const reached = new Set<string>();
  const problems: string[] = [];
  // Date fields take one Tab per segment: room for three per control, then stop at the end of the page.
  for (let i = 0; i < controls.length * 3 + 5 && reached.size < controls.length; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const g = globalThis as any;
      const el = g.document.activeElement;
      if (!el || el === g.document.body) return null;
      const style = g.getComputedStyle(el);
      return {
        mark: el.getAttribute('data-tab-check') as string | null,
        what: `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}> "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}"`,
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        date: el.tagName === 'INPUT' && el.type === 'date',
      };
    });
    if (!focused) continue;
    if (focused.mark === null) problems.push(`Tab reached ${focused.what}, which is not a control`);
    else if (!reached.has(focused.mark)) {
      reached.add(focused.mark);
      if (!focused.outline && !focused.date) problems.push(`${focused.what} shows no focus outline`);
    }
  }
  const missed = controls.filter((mark) => !reached.has(mark));
  if (missed.length) {
    const names = await page.evaluate(
      (marks) => marks.map((m) => {
        const el = (globalThis as any).document.querySelector(`[data-tab-check="${m}"]`);
        return `<${el.tagName.toLowerCase()}> "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}"`;
      }),
      missed,
    );
    for (const name of names) problems.push(`Tab never reached ${name}`);
  }
  return problems;
}
