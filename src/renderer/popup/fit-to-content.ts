import { api } from '../api.js';
import type { ApprovalViewParts } from './approval-view.js';

/**
 * The height the page needs to show `view` without scrolling: everything around the
 * scroller as laid out now, plus the content at its natural height.
 */
export function neededHeight(view: ApprovalViewParts): number {
  const chrome = view.root.offsetHeight - view.viewport.clientHeight;
  return Math.ceil(chrome + view.content.offsetHeight);
}

/**
 * A fitter: asks main to size the popup to its content (issue 11), again whenever the content
 * changes size (a details element opens, the queue grows), and keeps the "more below" marker
 * right. Main answers within its limits; past the maximum the middle scrolls and says so.
 */
export function createFitter(): (page: HTMLElement, view: ApprovalViewParts | undefined) => void {
  let asked = 0;
  let observer: ResizeObserver | undefined;
  const request = (height: number) => {
    if (height <= 0 || height === asked) return;
    asked = height;
    // A failed resize leaves the window as it was; the content still scrolls.
    api().fitPopup(height).catch(() => undefined);
  };
  return (page, view) => {
    observer?.disconnect();
    observer = undefined;
    if (!view) {
      request(Math.ceil(page.scrollHeight));
      return;
    }
    const refit = () => {
      request(neededHeight(view));
      updateScrollHint(view);
    };
    observer = new ResizeObserver(refit);
    observer.observe(view.content);
    observer.observe(view.viewport);
    view.scroller.addEventListener('scroll', () => updateScrollHint(view), { passive: true });
    refit();
  };
}

/** Mark the view when part of its content lies below the visible area. */
export function updateScrollHint(view: ApprovalViewParts): void {
  const s = view.scroller;
  const more = s.scrollTop + s.clientHeight < s.scrollHeight - 2;
  view.root.classList.toggle('has-more', more);
}
